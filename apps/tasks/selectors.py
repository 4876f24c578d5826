from __future__ import annotations

from django.db.models import QuerySet

from apps.tasks.models import TaskRun


def task_run_list(*, user, enterprise=None) -> QuerySet[TaskRun]:
    """Park staff see every run on the park domain; on an enterprise domain members see that
    enterprise's runs; everyone sees the runs they started."""
    runs = TaskRun.objects.select_related("tenant", "started_by")
    if enterprise is not None:
        return runs.filter(tenant=enterprise)
    if user.is_park_staff:
        return runs
    return runs.filter(started_by=user)


def task_run_get(*, user, run_id: int, enterprise=None) -> TaskRun | None:
    return task_run_list(user=user, enterprise=enterprise).filter(pk=run_id).first()
