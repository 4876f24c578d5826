"""Demo data of the reports app: one maintenance window last month, so the monthly filing and
the evaluation report show the 服务维护 section filled in.

Idempotent: the window is found by its kind and title (whatever month it was loaded in) and
left as it is; only a database without it gets one."""

import datetime as dt

from django.utils import timezone

from apps.reports.choices import ServiceEventKind
from apps.reports.models import ServiceEvent

DEMO_MAINTENANCE_TITLE = "标识解析服务版本升级"


def load(stdout) -> None:
    existing = ServiceEvent.objects.filter(
        kind=ServiceEventKind.MAINTENANCE, title=DEMO_MAINTENANCE_TITLE
    ).exists()
    if existing:
        stdout.write("reports: maintenance window already loaded, nothing changed\n")
        return
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    started = timezone.make_aware(dt.datetime.combine(last_month, dt.time(2, 0)))
    ServiceEvent.objects.create(
        kind=ServiceEventKind.MAINTENANCE,
        title=DEMO_MAINTENANCE_TITLE,
        started_at=started,
        ended_at=started + dt.timedelta(minutes=20),
        description="凌晨窗口滚动升级，解析服务未中断",
        service_interrupted=False,
    )
    stdout.write("reports: added a maintenance window last month\n")
