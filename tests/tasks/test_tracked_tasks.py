"""Tracked tasks on a real Celery worker, and the task pages."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.tasks.base import start_tracked
from apps.tasks.choices import TaskState
from apps.tasks.models import TaskRun
from apps.tasks.tasks import tenant_diagnostics
from tests.conftest import wait_for


def finished(run_id):
    def check():
        run = TaskRun.objects.get(pk=run_id)
        return run if run.is_finished else None

    return check


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_queued_in_a_tenant_runs_in_its_schema_and_records_progress(
    celery_worker, enterprise_a, admin_a
):
    with schema_context(enterprise_a.schema_name):
        run = start_tracked(tenant_diagnostics, "ent_alpha", title="企业诊断", user=admin_a)
    assert run.state == TaskState.QUEUED
    assert run.tenant_id == enterprise_a.pk and run.schema_name == "ent_alpha"

    run = wait_for(finished(run.pk))
    assert run.state == TaskState.SUCCEEDED, run.message
    assert run.progress == 100
    assert run.result["schema"] == "ent_alpha"
    assert "django_migrations" in run.result["rows"]
    assert run.message.startswith("已统计")
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.celery_id and run.attempts == 1
    assert run.started_by_id == admin_a.pk


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_failure_is_recorded(celery_worker, enterprise_b):
    with schema_context(enterprise_b.schema_name):
        run = start_tracked(tenant_diagnostics, "ent_alpha", title="错误的租户")
    run = wait_for(finished(run.pk))
    assert run.state == TaskState.FAILED
    assert "ent_beta" in run.message and "ent_alpha" in run.message
    assert "traceback" in run.result


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_park_task_runs_in_public(celery_worker, park):
    run = start_tracked(tenant_diagnostics, "public", title="园区诊断")
    run = wait_for(finished(run.pk))
    assert run.state == TaskState.SUCCEEDED
    assert run.tenant_id is None and run.result["schema"] == "public"
    assert run.result["rows"]["tenants_enterprise"] >= 1


# ---------------------------------------------------------------- pages


@pytest.fixture
def runs(db, enterprise_a, enterprise_b, admin_a, admin_b):
    a = TaskRun.objects.create(
        task_name="tasks.tenant_diagnostics",
        title="Alpha 导入",
        tenant=enterprise_a,
        schema_name="ent_alpha",
        started_by=admin_a,
        state=TaskState.RUNNING,
        progress=40,
        message="已校验 400 行",
    )
    b = TaskRun.objects.create(
        task_name="tasks.tenant_diagnostics",
        title="Beta 导入",
        tenant=enterprise_b,
        schema_name="ent_beta",
        started_by=admin_b,
        state=TaskState.SUCCEEDED,
        progress=100,
    )
    return a, b


@pytest.mark.django_db
def test_park_staff_see_every_run(park_client, park_admin, runs):
    park_client.force_login(park_admin)
    page = park_client.get("/tasks/").content.decode()
    assert "Alpha 导入" in page and "Beta 导入" in page
    page = park_client.get("/tasks/", {"state": "succeeded"}).content.decode()
    assert "Beta 导入" in page and "Alpha 导入" not in page


@pytest.mark.django_db
def test_enterprise_members_see_only_their_runs(tenant_client, admin_a, runs):
    a, b = runs
    client = tenant_client(a.tenant)
    client.force_login(admin_a)
    page = client.get("/tasks/").content.decode()
    assert "Alpha 导入" in page and "Beta 导入" not in page
    detail = client.get(f"/tasks/{a.pk}/").content.decode()
    assert "已校验 400 行" in detail and 'class="task-progress"' in detail and "width: 40%" in detail
    assert client.get(f"/tasks/{b.pk}/").status_code == 404
    assert client.get(f"/tasks/{b.pk}/status/").status_code == 404


@pytest.mark.django_db
def test_status_endpoint_feeds_the_progress_bar(tenant_client, admin_a, runs):
    a, _b = runs
    client = tenant_client(a.tenant)
    client.force_login(admin_a)
    data = client.get(f"/tasks/{a.pk}/status/").json()
    assert data["state"] == "running" and data["progress"] == 40 and data["finished"] is False
    assert data["state_display"] == "运行中"


@pytest.mark.django_db
def test_runs_need_login(park_client, runs):
    assert park_client.get("/tasks/").status_code == 302
    connection.set_schema_to_public()
