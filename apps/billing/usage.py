"""Metered usage per enterprise for a period, set-based: one query per charge kind whatever the
number of enterprises (a run over 1,000 enterprises reads usage in five queries).

- registrations: identifiers registered in the period (the registry, withdrawn ones included:
  the registration happened);
- resolutions: the hourly resolution stats (ResolutionStat) the node already flushes from its
  Redis counters; nothing is added to the resolution path;
- storage: the enterprise's data schema (restricted values and attachments tables, with their
  indexes and TOAST) plus its uploaded files, in GB, measured when read (a snapshot, billed as
  GB-month);
- terminals: no terminal registry exists yet, so always 0 (the kind bills nothing);
- prefix annual fee: the enterprise's live prefixes allocated in the period's month of any year
  up to the period (the month of allocation and each anniversary).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from apps.billing.choices import ChargeKind
from apps.billing.periods import period_bounds

GB = Decimal(1024**3)
GB_PLACES = Decimal("0.0001")


@dataclass
class Usage:
    registrations: int = 0
    resolutions: int = 0
    storage_bytes: int = 0
    terminals: int = 0
    prefix_anniversaries: int = 0

    @property
    def storage_gb(self) -> Decimal:
        return (Decimal(self.storage_bytes) / GB).quantize(GB_PLACES)

    def quantity(self, kind: str) -> Decimal:
        return {
            ChargeKind.REGISTRATION: Decimal(self.registrations),
            ChargeKind.RESOLUTION: Decimal(self.resolutions),
            ChargeKind.STORAGE: self.storage_gb,
            ChargeKind.TERMINAL: Decimal(self.terminals),
            ChargeKind.PREFIX_ANNUAL: Decimal(self.prefix_anniversaries),
        }.get(kind, Decimal(0))

    def as_dict(self) -> dict:
        return {**asdict(self), "storage_gb": str(self.storage_gb)}

    @classmethod
    def from_dict(cls, data: dict) -> Usage:
        fields = ("registrations", "resolutions", "storage_bytes", "terminals", "prefix_anniversaries")
        return cls(**{name: int(data.get(name) or 0) for name in fields})


def billable_enterprises(period: dt.date):
    """Enterprises that owe for the period: joined before its end, open or suspended, not the
    park operator."""
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    _start, end = period_bounds(period)
    return Enterprise.objects.filter(
        is_park_operator=False,
        status__in=(EnterpriseStatus.ACTIVE, EnterpriseStatus.SUSPENDED),
        created_at__lt=end,
    ).order_by("pk")


def usage_for_period(
    period: dt.date, *, enterprise_ids: Iterable[int] | None = None, until: dt.datetime | None = None
) -> dict[int, Usage]:
    """{enterprise id: Usage} for the month ``period`` (up to ``until`` if earlier: this month so far)."""
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Identifier, Prefix
    from apps.resolution.models import ResolutionStat
    from apps.tenants.models import Enterprise

    start, end = period_bounds(period)
    if until is not None and until < end:
        end = until
    ids = list(enterprise_ids) if enterprise_ids is not None else None
    result: dict[int, Usage] = {pk: Usage() for pk in ids} if ids is not None else {}

    def scoped(qs, field="enterprise_id"):
        return qs.filter(**{f"{field}__in": ids}) if ids is not None else qs

    registrations = scoped(Identifier.objects.filter(created_at__gte=start, created_at__lt=end))
    for pk, count in registrations.values_list("enterprise_id").annotate(n=Count("id")).order_by():
        result.setdefault(pk, Usage()).registrations = count

    stats = scoped(ResolutionStat.objects.filter(hour__gte=start, hour__lt=end, enterprise_id__isnull=False))
    for pk, total in stats.values_list("enterprise_id").annotate(n=Sum("count")).order_by():
        result.setdefault(pk, Usage()).resolutions = int(total or 0)

    tz = settings.TIME_ZONE
    prefixes = scoped(
        Prefix.objects.filter(
            status__in=(PrefixStatus.ACTIVE, PrefixStatus.SUSPENDED),
            created_at__lt=end,
        )
        .annotate(
            month=ExtractMonth("created_at", tzinfo=_zone(tz)),
            year=ExtractYear("created_at", tzinfo=_zone(tz)),
        )
        .filter(month=period.month, year__lte=period.year)
    )
    for pk, count in prefixes.values_list("enterprise_id").annotate(n=Count("id")).order_by():
        result.setdefault(pk, Usage()).prefix_anniversaries = count

    enterprises = Enterprise.objects.filter(is_park_operator=False)
    if ids is not None:
        enterprises = enterprises.filter(pk__in=ids)
    schemas = dict(enterprises.values_list("schema_name", "pk"))
    for schema, size in storage_bytes_by_schema(list(schemas)).items():
        result.setdefault(schemas[schema], Usage()).storage_bytes = size
    return result


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def storage_bytes_by_schema(schemas: list[str]) -> dict[str, int]:
    """{schema: bytes} of the restricted-data tables (pg_total_relation_size: heap, indexes and
    TOAST) plus the sizes of the files uploaded into them, for every schema in one query."""
    from apps.enterprise_data.models import Attachment, RestrictedValues

    if not schemas:
        return {}
    tables = [RestrictedValues._meta.db_table, Attachment._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND c.relname = %s AND n.nspname = ANY(%s)",
            [Attachment._meta.db_table, schemas],
        )
        with_files = [row[0] for row in cursor.fetchall()]
        parts = [
            """SELECT n.nspname, sum(pg_total_relation_size(c.oid))::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND c.relname = ANY(%s) AND n.nspname = ANY(%s)
            GROUP BY n.nspname"""
        ]
        params: list = [tables, schemas]
        for schema in with_files:
            parts.append(
                f"""SELECT %s, coalesce(sum(size), 0)::bigint FROM "{schema}"."{Attachment._meta.db_table}\""""
            )
            params.append(schema)
        cursor.execute(
            f"SELECT schema, sum(bytes)::bigint FROM ({' UNION ALL '.join(parts)}) s(schema, bytes) GROUP BY 1",
            params,
        )
        return {schema: int(size or 0) for schema, size in cursor.fetchall()}
