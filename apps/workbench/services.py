"""Writes of the workbench: folding the registry into the daily registration summary."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from apps.workbench.models import RegistrationDay, SummaryMark

REGISTRATIONS = "registrations"
# Identifiers younger than this are left to the live tail: a registration transaction still
# open when the fold runs may hold lower ids than rows already committed.
SETTLE = dt.timedelta(minutes=15)


def _tables() -> dict[str, str]:
    from apps.identifiers.models import Identifier
    from apps.metadata.models import TemplateVersion

    return {
        "identifier": Identifier._meta.db_table,
        "version": TemplateVersion._meta.db_table,
        "summary": RegistrationDay._meta.db_table,
    }


def _fold_sql(where: str) -> str:
    t = _tables()
    return (
        f'INSERT INTO "{t["summary"]}" (day, enterprise_id, template_id, count) '
        f"SELECT (i.created_at AT TIME ZONE %s)::date, i.enterprise_id, v.template_id, count(*) "
        f'FROM "{t["identifier"]}" i JOIN "{t["version"]}" v ON v.id = i.template_version_id '
        f"WHERE {where} GROUP BY 1, 2, 3 "
        "ON CONFLICT (day, enterprise_id, template_id) "
        f'DO UPDATE SET count = "{t["summary"]}".count + EXCLUDED.count'
    )


def registration_summary_refresh(*, now: dt.datetime | None = None) -> int:
    """Fold the identifiers registered since the last fold (and settled) into RegistrationDay.
    One primary-key range, whatever the number of enterprises. Returns the new mark."""
    from apps.identifiers.models import Identifier

    now = now or timezone.now()
    with transaction.atomic():
        mark, _created = SummaryMark.objects.select_for_update().get_or_create(name=REGISTRATIONS)
        upto = (
            Identifier.objects.filter(id__gt=mark.last_id, created_at__lt=now - SETTLE)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        if upto is None:
            return mark.last_id
        with connection.cursor() as cursor:
            cursor.execute(
                _fold_sql("i.id > %s AND i.id <= %s"),
                [timezone.get_current_timezone_name(), mark.last_id, upto],
            )
        mark.last_id = upto
        mark.save(update_fields=["last_id", "updated_at"])
    return upto


def registration_day_recount(*, day: dt.date) -> None:
    """Count one day again from the registry (up to the mark): corrects what a fold missed from a
    transaction that committed after it. Run nightly for the days just past."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    with transaction.atomic():
        mark, _created = SummaryMark.objects.select_for_update().get_or_create(name=REGISTRATIONS)
        RegistrationDay.objects.filter(day=day).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                _fold_sql("i.created_at >= %s AND i.created_at < %s AND i.id <= %s"),
                [timezone.get_current_timezone_name(), start, end, mark.last_id],
            )
