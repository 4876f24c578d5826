from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditEntry


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_list(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    tenant: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries newest first, filtered. ``action`` matches a prefix (``enterprise.`` finds every
    enterprise action); ``date_to`` includes that whole day."""
    entries = AuditEntry.objects.all().order_by("-id")
    if actor:
        entries = entries.filter(actor__icontains=actor)
    if action:
        entries = entries.filter(action__startswith=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if tenant:
        entries = entries.filter(tenant_schema=tenant)
    if date_from:
        entries = entries.filter(created_at__gte=_day_start(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return entries


def audit_object_types() -> list[str]:
    return list(AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct())


def audit_tenants() -> list[tuple[str, str]]:
    """(schema, label) for the tenant filter: the park and every enterprise with a schema."""
    from apps.tenants.models import Enterprise

    return [
        (e.schema_name, _("园区") if e.is_park_operator else e.name)
        for e in Enterprise.objects.exclude(status="applied").order_by("-is_park_operator", "name")
    ]
