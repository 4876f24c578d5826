from celery import shared_task

from apps.buildcases import services
from apps.buildcases.choices import ItemState
from apps.tasks.base import TrackedTask


def _starter(task):
    """The user who started the step (the TaskRun's started_by), passed on as the actor."""
    run_id = task.run_id
    if not run_id:
        return None
    from django_tenants.utils import get_public_schema_name, schema_context

    from apps.tasks.models import TaskRun

    with schema_context(get_public_schema_name()):
        run = TaskRun.objects.select_related("started_by").filter(pk=run_id).first()
        return run.started_by if run else None


@shared_task(base=TrackedTask, bind=True, name="buildcases.step_run")
def step_run_task(self, item_id: int) -> dict:
    return services.step_execute(item_id=item_id, progress=self.progress, actor=_starter(self))


@shared_task(base=TrackedTask, bind=True, name="buildcases.monitor_snapshots")
def monitor_snapshots_task(self) -> dict:
    if not self.run_id:
        # Sent by beat, which knows nothing of TaskRuns: start it again tracked, so the park
        # sees every periodic snapshot (and its failures) among its tasks.
        from django.utils.translation import gettext as _

        from apps.tasks.base import start_tracked

        run = start_tracked(monitor_snapshots_task, title=_("建设案例节点指标快照"))
        return {"tracked_as": run.pk}
    return services.monitor_all(progress=self.progress)


@shared_task(bind=True, name="buildcases.evaluation_follow", max_retries=None)
def evaluation_follow_task(self, item_id: int) -> str:
    """Follow an evaluation item's report until it is ready or failed (about an hour at most;
    the case page settles it too when viewed)."""
    state = services.evaluation_settle(item_id=item_id)
    if state == ItemState.RUNNING and self.request.retries < 720:
        raise self.retry(countdown=services.EVALUATION_FOLLOW_SECONDS)
    return state
