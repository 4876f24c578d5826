"""One base class for tracked tasks.

Usage::

    @app.task(base=TrackedTask, bind=True)
    def import_apply(self, job_id: int) -> dict:
        ...
        self.progress(40, _("已校验 4000 行"))
        return {"created": 10}

    run = start_tracked(import_apply, job_id, title="导入", user=request.user)

``start_tracked`` creates the TaskRun row (queued) in the public schema and sends the task
after the surrounding transaction commits; the task is told its run id through a header and
updates the row as it starts, progresses, succeeds or fails. The task runs in the schema it
was queued from (tenant-schemas-celery) and its audit entries carry ``task:<name>`` as actor.
"""

from __future__ import annotations

import traceback
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from tenant_schemas_celery.task import TenantTask

from apps.core import request_context
from apps.tasks.choices import TaskState
from apps.tasks.models import TaskRun

RUN_ID_HEADER = "park_task_run_id"


def _update(run_id: int, **fields: Any) -> None:
    with schema_context(get_public_schema_name()):
        TaskRun.objects.filter(pk=run_id).update(**fields)


class TrackedTask(TenantTask):
    abstract = True

    @property
    def run_id(self) -> int | None:
        headers = getattr(self.request, "headers", None) or {}
        value = headers.get(RUN_ID_HEADER) or getattr(self.request, RUN_ID_HEADER, None)
        return int(value) if value else None

    def progress(self, percent: int, message: str = "") -> None:
        run_id = self.run_id
        if run_id:
            _update(run_id, progress=max(0, min(100, int(percent))), message=str(message))

    def __call__(self, *args, **kwargs):
        run_id = self.run_id
        user_id = None
        if run_id:
            with schema_context(get_public_schema_name()):
                run = TaskRun.objects.filter(pk=run_id).first()
                user_id = run.started_by_id if run else None
                TaskRun.objects.filter(pk=run_id).update(
                    state=TaskState.RUNNING,
                    started_at=timezone.now(),
                    celery_id=self.request.id or "",
                    attempts=(run.attempts + 1) if run else 1,
                )
        ctx = request_context.ActorContext(
            user_id=user_id, actor_label=f"task:{self.name}", request_id=self.request.id or ""
        )
        with request_context.acting(ctx):
            return super().__call__(*args, **kwargs)

    def on_success(self, retval, task_id, args, kwargs):
        run_id = self.run_id
        if run_id:
            result = retval if isinstance(retval, dict) else {"value": retval}
            _update(
                run_id, state=TaskState.SUCCEEDED, progress=100, result=result, finished_at=timezone.now()
            )

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        run_id = self.run_id
        if run_id:
            _update(run_id, state=TaskState.RETRYING, message=str(exc)[:2000])

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = self.run_id
        if run_id:
            message = str(exc) or exc.__class__.__name__
            _update(
                run_id,
                state=TaskState.FAILED,
                message=message[:2000],
                finished_at=timezone.now(),
                result={"error": message, "traceback": "".join(traceback.format_exception(exc))[-4000:]},
            )


def start_tracked(task, *args, title: str = "", user=None, countdown: int | None = None, **kwargs) -> TaskRun:
    """Create the TaskRun and queue ``task`` once the current transaction commits."""
    schema = connection.schema_name
    with schema_context(get_public_schema_name()):
        tenant_id = None
        if schema != get_public_schema_name():
            from apps.tenants.models import Enterprise

            tenant_id = Enterprise.objects.filter(schema_name=schema).values_list("pk", flat=True).first()
        run = TaskRun.objects.create(
            task_name=task.name,
            title=title or task.name,
            tenant_id=tenant_id,
            schema_name=schema,
            started_by=user if user is not None and user.is_authenticated else None,
        )
    headers = {RUN_ID_HEADER: str(run.pk)}

    def send():
        with schema_context(schema):
            task.apply_async(args=args, kwargs=kwargs, headers=headers, countdown=countdown)

    transaction.on_commit(send)
    return run
