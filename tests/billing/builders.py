"""Billing test data: a price list, a plan, registry usage and resolution stats (bulk inserts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.billing import services
from apps.billing.models import Plan, PlanAssignment
from apps.identifiers.models import Prefix
from apps.resolution.models import ResolutionStat
from tests.reports import builders as registry

SHANGHAI = ZoneInfo("Asia/Shanghai")
FEBRUARY = dt.date(2026, 2, 1)

PRICES = [
    {"kind": "prefix_annual", "unit_price": "1000"},
    {
        "kind": "registration",
        "tiers": [
            {"from_quantity": 0, "to_quantity": 10000, "unit_price": "0"},
            {"from_quantity": 10000, "to_quantity": 1000000, "unit_price": "20"},
            {"from_quantity": 1000000, "to_quantity": None, "unit_price": "10"},
        ],
    },
    {"kind": "resolution", "unit_price": "5", "free_allowance": "100000"},
    {"kind": "storage", "unit_price": "2", "free_allowance": "1"},
    {"kind": "terminal", "unit_price": "3"},
]


def price_list(actor, *, effective_from=dt.date(2026, 1, 1), prices=None):
    return services.price_list_create(
        actor=actor, name="2026 资费", effective_from=effective_from, prices=prices or PRICES
    )


def plan(*, monthly_fee="199.00", resolution_allowance=Decimal(50000), code="standard") -> Plan:
    return Plan.objects.create(
        code=code, name="标准版", monthly_fee=Decimal(monthly_fee), resolution_allowance=resolution_allowance
    )


def assign(enterprise, plan_obj: Plan, effective_from=FEBRUARY) -> PlanAssignment:
    return PlanAssignment.objects.create(enterprise=enterprise, plan=plan_obj, effective_from=effective_from)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def registrations(enterprise, count: int, *, at: dt.datetime, start: int = 0) -> None:
    registry.identifiers(enterprise, count, version=registry.template_version(), created_at=at, start=start)


def prefix(enterprise, *, allocated: dt.datetime | None = None) -> Prefix:
    obj = registry.prefix_of(enterprise)
    if allocated is not None:
        Prefix.objects.filter(pk=obj.pk).update(created_at=allocated)
        obj.refresh_from_db()
    return obj


def resolutions(enterprise, count: int, *, hour: dt.datetime) -> ResolutionStat:
    return ResolutionStat.objects.create(
        hour=hour, prefix=f"88.101.{enterprise.code}", enterprise=enterprise, count=count
    )
