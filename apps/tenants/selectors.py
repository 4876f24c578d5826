from __future__ import annotations

from django.db import connection
from django_tenants.utils import get_public_schema_name

from apps.core.tenancy import current_tenant
from apps.tenants.models import Enterprise, Park
from apps.tenants.upstream import ent_basic_info, ent_basic_info_missing


def park_get() -> Park | None:
    """The park's settings row (one per deployment)."""
    return Park.objects.select_related("operator").order_by("pk").first()


def current_enterprise() -> Enterprise | None:
    """The tenant the current connection is switched to, or None on the park domain."""
    return current_tenant()


def is_park_domain() -> bool:
    return connection.schema_name == get_public_schema_name()


def enterprise_list(*, status: str | None = None, q: str | None = None):
    """Enterprises of the park (not the operator), newest applications first."""
    from django.db.models import Q

    enterprises = Enterprise.objects.filter(is_park_operator=False).order_by("-created_at", "-id")
    if status:
        enterprises = enterprises.filter(status=status)
    if q:
        enterprises = enterprises.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__iexact=q) | Q(credit_code__iexact=q)
        )
    return enterprises


def enterprise_get(*, pk: int) -> Enterprise | None:
    return Enterprise.objects.filter(pk=pk, is_park_operator=False).first()


def membership_list(*, enterprise: Enterprise):
    """The enterprise's users with their roles, administrators first."""
    from apps.accounts.models import Membership

    return (
        Membership.objects.filter(enterprise=enterprise)
        .select_related("user")
        .order_by("role", "user__username")
    )


def membership_get(*, enterprise: Enterprise, pk: int):
    """One membership of ``enterprise`` (None for another enterprise's, so ids cannot be probed)."""
    from apps.accounts.models import Membership

    return (
        Membership.objects.filter(enterprise=enterprise, pk=pk).select_related("user", "enterprise").first()
    )


def enterprise_upstream_missing(*, enterprise: Enterprise) -> list[str]:
    """Labels of the 上级节点前缀申请资料 the upstream's enterprise application requires and the
    record lacks (empty when complete)."""
    return ent_basic_info_missing({**ent_basic_info(enterprise), "entPrefix": "-"})
