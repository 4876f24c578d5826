"""Import tasks: take a job id, call one service. Progress goes through a connection of its
own so that it shows while the apply transaction is still open."""

from __future__ import annotations

import psycopg
from celery import shared_task
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from apps.imports import services
from apps.imports.models import ImportJob
from apps.tasks.base import TrackedTask
from apps.tasks.models import TaskRun


class _SideProgress:
    """Writes TaskRun progress on a separate autocommit connection, throttled to whole percents."""

    def __init__(self, run_id: int | None):
        self.run_id = run_id
        self.conn = None
        self.last = None

    def __call__(self, percent: int, message: str) -> None:
        if not self.run_id or (percent, message) == self.last:
            return
        self.last = (percent, message)
        if self.conn is None:
            db = settings.DATABASES["default"]
            self.conn = psycopg.connect(
                dbname=db["NAME"],
                user=db.get("USER") or None,
                password=db.get("PASSWORD") or None,
                host=db.get("HOST") or None,
                port=db.get("PORT") or None,
                autocommit=True,
            )
        table = TaskRun._meta.db_table
        self.conn.execute(
            f'UPDATE public."{table}" SET progress = %s, message = %s WHERE id = %s',  # noqa: S608
            [max(0, min(99, int(percent))), str(message)[:2000], self.run_id],
        )

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _language(job: ImportJob):
    """Messages (errors, progress) in the language of the person who uploaded the file."""
    return translation.override(job.language or settings.LANGUAGE_CODE)


@shared_task(base=TrackedTask, bind=True, name="imports.validate")
def import_validate(self, job_id: int) -> dict:
    job = ImportJob.objects.select_related("template_version__template", "enterprise").get(pk=job_id)
    progress = _SideProgress(self.run_id)
    try:
        with _language(job):
            return services.import_job_validate(job=job, progress=progress)
    except Exception:
        # Whatever went wrong, the job must not stay 校验中 forever: it shows the failure.
        with _language(job):
            message = _("校验时发生意外错误，文件未导入。请重新上传；如果问题仍然存在，请联系管理员。")
        services.import_job_refuse(job=job, message=message)
        raise
    finally:
        progress.close()


@shared_task(base=TrackedTask, bind=True, name="imports.apply")
def import_apply(self, job_id: int) -> dict:
    job = ImportJob.objects.get(pk=job_id)
    progress = _SideProgress(self.run_id)
    try:
        with _language(job):
            return services.import_job_apply(job=job, progress=progress)
    except Exception:
        # The transaction rolled back: nothing was written. Say so on the job.
        from apps.imports.choices import ImportState

        with _language(job):
            message = _("导入失败，未写入任何数据")
        ImportJob.objects.filter(pk=job_id, state=ImportState.APPLYING).update(
            state=ImportState.FAILED, message=message
        )
        raise
    finally:
        progress.close()


@shared_task(base=TrackedTask, bind=True, name="imports.onboard_enterprises")
def onboard_enterprises(self, enterprise_ids: list[int]) -> dict:
    """Mass onboarding: approve the applications one Excel file brought in, a batch per
    transaction, progress on the TaskRun (apps.imports.onboarding)."""
    from apps.imports.onboarding import onboarding_provision

    return onboarding_provision(
        enterprise_ids=enterprise_ids, progress=self.progress, task_run_id=self.run_id
    )
