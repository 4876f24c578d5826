"""Reads for the sync pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from apps.identifiers.choices import UpstreamStatus
from apps.identifiers.models import Prefix
from apps.sync.models import OutboxEntry, OutboxStatus
from apps.tasks.models import TaskRun


def failures() -> QuerySet[OutboxEntry]:
    return OutboxEntry.objects.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.STOPPED]).order_by("id")


def waiting_with_error() -> QuerySet[OutboxEntry]:
    return OutboxEntry.objects.filter(status=OutboxStatus.PENDING).exclude(last_error="").order_by("id")


def waiting_for_data() -> QuerySet[OutboxEntry]:
    """Prefix applications held until the enterprise's 上级节点前缀申请资料 is complete."""
    return OutboxEntry.objects.filter(status=OutboxStatus.WAITING_DATA).order_by("id")


def recent_batches(limit: int = 20) -> list[TaskRun]:
    return list(TaskRun.objects.filter(task_name="apps.sync.batch").order_by("-id")[:limit])


def prefixes_in_flight() -> QuerySet[Prefix]:
    return (
        Prefix.objects.select_related("enterprise")
        .exclude(upstream_status=UpstreamStatus.NOT_SENT)
        .order_by("-updated_at")
    )


def stored_filing(period: str) -> dict | None:
    """The monthly filing body stored for ``period`` (YYYY-MM) by the reports app, if any:
    the filing that was (or will be) submitted, not a fresh count."""
    from apps.reports.models import FilingReport

    year, month = (int(part) for part in period.split("-"))
    body = (
        FilingReport.objects.filter(period_start=dt.date(year, month, 1))
        .values_list("body", flat=True)
        .first()
    )
    return body or None
