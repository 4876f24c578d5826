import datetime as dt

from celery import shared_task
from django.utils import timezone

from apps.workbench import services


@shared_task(name="workbench.fold_registrations", ignore_result=True)
def fold_registrations_task() -> int:
    return services.registration_summary_refresh()


@shared_task(name="workbench.recount_registrations", ignore_result=True)
def recount_registrations_task() -> None:
    """Nightly: yesterday and the day before counted again (see registration_day_recount)."""
    today = timezone.localdate()
    for back in (1, 2):
        services.registration_day_recount(day=today - dt.timedelta(days=back))
