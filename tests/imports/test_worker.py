"""The import on a real Celery worker: the page flow end to end, and a worker killed with
SIGKILL in the middle of the apply transaction leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest
from django.db import transaction

from apps.audit.models import AuditEntry
from apps.core.errors import ApplicationError
from apps.identifiers.models import Identifier
from apps.imports import services
from apps.imports.choices import ImportState
from apps.imports.models import ImportJob
from apps.sync.models import OutboxEntry
from apps.tasks.models import TaskRun
from tests.conftest import ROOT, _database_url, _wait_for_worker, wait_for
from tests.imports import files
from tests.imports.conftest import upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_upload_progress_report_confirm_on_a_real_worker(
    celery_worker, park_client, park_admin, road_version, operator
):
    park_client.force_login(park_admin)
    rows = [files.ROAD_HEADER, *files.road_rows(300)]
    response = park_client.post(
        "/imports/",
        {"template": road_version.template_id, "file": upload("道路.xlsx", files.xlsx(rows))},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get()
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).state == ImportState.VALIDATED)
    job.refresh_from_db()
    wait_for(lambda: TaskRun.objects.get(pk=job.validate_run_id).state == "succeeded")
    page = park_client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="count-create">300<' in page and "确认导入" in page
    assert Identifier.objects.count() == 0  # the dry run wrote nothing

    response = park_client.post(f"/imports/{job.pk}/confirm/")
    assert response.status_code == 302
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).state == ImportState.APPLIED)
    assert Identifier.objects.filter(enterprise=operator).count() == 300
    job.refresh_from_db()
    run = TaskRun.objects.get(pk=job.apply_run_id)
    wait_for(lambda: TaskRun.objects.get(pk=run.pk).state == "succeeded")
    assert TaskRun.objects.get(pk=run.pk).result["create"] == 300


def test_a_dry_run_that_fails_on_the_worker_leaves_the_job_invalid_not_checking(
    celery_worker, road_version, operator
):
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Prefix

    def stored(name: str):
        return services.import_job_create(
            actor=None,
            enterprise=operator,
            template_version=road_version,
            uploaded_file=upload(name, files.csv_bytes([files.ROAD_HEADER, *files.road_rows(5)])),
            start=False,
        )

    # The uploaded file is gone from storage before the worker reads it: an unexpected error.
    lost = stored("lost.csv")
    lost.file.storage.delete(lost.file.name)
    services.import_job_start_validation(job=lost, actor=None)
    # The prefix was suspended after the upload: a refusal with its reason.
    suspended = stored("suspended.csv")
    Prefix.objects.filter(enterprise=operator).update(status=PrefixStatus.SUSPENDED)
    services.import_job_start_validation(job=suspended, actor=None)

    wait_for(lambda: ImportJob.objects.get(pk=lost.pk).state == ImportState.INVALID)
    lost.refresh_from_db()
    assert lost.errors[0]["message"].startswith("校验时发生意外错误，文件未导入")
    wait_for(lambda: TaskRun.objects.get(pk=lost.validate_run_id).state == "failed")
    wait_for(lambda: ImportJob.objects.get(pk=suspended.pk).state == ImportState.INVALID)
    suspended.refresh_from_db()
    assert suspended.message == "企业没有已生效的标识前缀，不能注册标识"
    for job in (lost, suspended):
        with pytest.raises(ApplicationError):
            services.import_job_confirm(job=job, actor=None, start=False)


def test_the_worker_reports_errors_in_the_uploaders_language(celery_worker, road_version, operator):
    from django.utils import translation

    rows = [files.ROAD_HEADER, ["DUP", "路1", "支路", "abc", None], ["DUP", "路2", "支路", 2, None]]
    with translation.override("en"):
        job = services.import_job_create(
            actor=None,
            enterprise=operator,
            template_version=road_version,
            uploaded_file=upload("roads.csv", files.csv_bytes(rows)),
        )
    assert job.language == "en"
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).state == ImportState.INVALID)
    job.refresh_from_db()
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (2, "must be a number with at most 1 decimal places"),
        (3, "The object code “DUP” duplicates row 2"),
    ]


@pytest.fixture
def pausing_worker(django_db_blocker, park_schemas):
    """A worker of our own that pauses 60 s inside the apply transaction, to be killed."""
    from django.conf import settings

    from park_portal.celery import app

    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(settings.DATABASES["default"]),
        REDIS_URL=settings.REDIS_URL,
        CELERY_QUEUE=queue,
        CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
        PARK_IMPORT_PAUSE_MID_APPLY="60",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "park_portal",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_worker(app, queue, proc)
        proc.restore_queue = lambda: setattr(app.conf, "task_default_queue", previous)
        yield proc
    finally:
        app.conf.task_default_queue = previous
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=15)


def _lock_free(job_id: int) -> bool:
    try:
        with transaction.atomic():
            ImportJob.objects.select_for_update(nowait=True).get(pk=job_id)
        return True
    except Exception:
        return False


def test_worker_killed_mid_apply_writes_nothing_and_the_import_can_be_retried(
    celery_worker, pausing_worker, park_client, park_admin, road_version, operator
):
    data = files.csv_bytes([files.ROAD_HEADER, *files.road_rows(2000)])
    job = services.import_job_create(
        actor=None,
        enterprise=operator,
        template_version=road_version,
        uploaded_file=upload("roads.csv", data),
        start=False,
    )
    services.import_job_validate(job=job)
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED
    audit_before, outbox_before = AuditEntry.objects.count(), OutboxEntry.objects.count()

    job = services.import_job_confirm(job=job, actor=None)
    # The worker has written the identifiers inside its open transaction and waits there.
    wait_for(lambda: TaskRun.objects.get(pk=job.apply_run_id).message == "paused", timeout=90)
    assert not _lock_free(job.pk)
    assert Identifier.objects.count() == 0  # uncommitted rows are invisible
    with pytest.raises(ApplicationError, match="导入正在进行中"):  # no second apply while one runs
        services.import_job_confirm(job=job, actor=None, start=False)
    assert not services.import_job_can_retry(job=job)

    os.kill(pausing_worker.pid, signal.SIGKILL)
    pausing_worker.wait(timeout=15)
    wait_for(lambda: _lock_free(job.pk), timeout=30)  # PostgreSQL rolled the transaction back

    assert Identifier.objects.count() == 0
    assert OutboxEntry.objects.count() == outbox_before
    assert AuditEntry.objects.count() == audit_before
    job.refresh_from_db()
    assert job.state == ImportState.APPLYING and job.applied_at is None

    # The job says 导入中 but nothing runs it: its page offers the retry, on a healthy worker.
    pausing_worker.restore_queue()
    park_client.force_login(park_admin)
    page = park_client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="retry-import"' in page
    assert park_client.post(f"/imports/{job.pk}/confirm/").status_code == 302
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).state == ImportState.APPLIED, timeout=90)
    assert Identifier.objects.filter(enterprise=operator).count() == 2000
    assert OutboxEntry.objects.count() == outbox_before + 2000
    job.refresh_from_db()
    assert job.create_count == 2000 and job.applied_at is not None
    assert 'id="retry-import"' not in park_client.get(f"/imports/{job.pk}/").content.decode()
