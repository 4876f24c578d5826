from celery import shared_task

from apps.billing import services
from apps.tasks.base import TrackedTask


@shared_task(base=TrackedTask, bind=True, name="billing.run")
def billing_run_task(self, run_id: int) -> dict:
    return services.billing_run_execute(run_id=run_id, progress=self.progress)


@shared_task(bind=True, name="billing.monthly")
def billing_monthly_task(self) -> dict:
    """Beat, on the 1st: the previous month's run, tracked like a run started by hand."""
    from apps.billing.periods import current_period, previous_month

    run = services.billing_run_start(actor=None, period=previous_month(current_period()))
    return {"billing_run": run.pk, "task_run": run.task_run_id}


@shared_task(base=TrackedTask, bind=True, name="billing.overdue_policy")
def billing_overdue_task(self) -> dict:
    """Beat, daily: reminders, suspensions and their lifting."""
    return services.overdue_policy_apply()
