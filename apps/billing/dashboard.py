"""Reads the billing pages need beyond apps.billing.selectors: the dashboard's figures and charts,
an enterprise's one-off charges, the bills a payment can be allocated to. Reads only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, QuerySet
from django.utils.translation import gettext as _

from apps.billing import selectors
from apps.billing.choices import BillKind, BillStatus, ChargeKind
from apps.billing.models import Bill, ManualCharge
from apps.billing.periods import current_period, month_start, previous_month, today
from apps.billing.usage import usage_for_period
from apps.core import charts
from apps.tenants.models import Enterprise

MONTHS_SHOWN = 12
ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _months_back(period: dt.date, count: int) -> list[dt.date]:
    months = [period]
    for _i in range(count - 1):
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def dashboard(*, on: dt.date | None = None) -> dict[str, Any]:
    """The billing dashboard: revenue per month (the last twelve periods) and per charge kind,
    the collection rate, open and overdue amounts, and the top enterprises by usage this period
    so far, with their SVG charts (apps.core.charts: no script, no CDN)."""
    on = on or today()
    end = month_start(on)
    months = _months_back(end, MONTHS_SHOWN)
    by_month = {row["period"]: row for row in selectors.revenue_by_month(start=months[0], end=end)}
    revenue = [(f"{m:%Y-%m}", float(by_month[m]["total"]) if m in by_month else 0.0) for m in months]
    by_kind = selectors.revenue_by_kind(start=months[0], end=end)
    figures = selectors.collection_figures(on=on)
    usage_period = current_period()
    usage = usage_for_period(usage_period)  # read once (storage sizes every schema), ranked twice
    top_resolution = selectors.top_enterprises_by_usage(
        period=usage_period, kind=ChargeKind.RESOLUTION, usage=usage
    )
    top_registration = selectors.top_enterprises_by_usage(
        period=usage_period, kind=ChargeKind.REGISTRATION, usage=usage
    )
    return {
        "on": on,
        "months": months,
        "figures": figures,
        "by_kind": by_kind,
        "usage_period": usage_period,
        "top_resolution": top_resolution,
        "top_registration": top_registration,
        "charts": {
            "revenue_by_month": charts.bar_chart(revenue, title=_("每月开票金额（价税合计，元）"), width=640),
            "revenue_by_kind": charts.pie_chart(
                [(row["label"], float(row["amount"])) for row in by_kind if row["amount"] > 0],
                title=_("按收费项目（不含税，元）"),
            ),
            "collection": charts.pie_chart(
                [
                    (_("已收"), float(figures["collected"])),
                    (_("未到期"), float(figures["open"] - figures["overdue"])),
                    (_("已逾期"), float(figures["overdue"])),
                ],
                title=_("回款情况（元）"),
            ),
            "top_resolution": charts.hbar_chart(
                [(row["name"], float(row["quantity"])) for row in top_resolution],
                title=_("本月解析量前 10 位企业"),
            ),
            "top_registration": charts.hbar_chart(
                [(row["name"], float(row["quantity"])) for row in top_registration],
                title=_("本月注册量前 10 位企业"),
            ),
        },
    }


def manual_charge_list(*, enterprise) -> QuerySet[ManualCharge]:
    return ManualCharge.objects.filter(enterprise=enterprise).select_related("created_by")


def open_bills(*, user, enterprise=None) -> QuerySet[Bill]:
    """Issued bills with something still owed: what a payment can be allocated to."""
    return selectors.bill_list(
        user=user, enterprise=enterprise, status=BillStatus.ISSUED, kind=BillKind.BILL
    ).filter(open__gt=0)


def enterprise_summary(*, enterprise) -> dict[str, Any]:
    """What the park's page of one enterprise shows above its timeline."""
    open_amount = sum((bill.open for bill in open_bills_of(enterprise)), Decimal(0))
    return {
        "plan": selectors.plan_for(enterprise),
        "balance": selectors.enterprise_balance(enterprise),
        "open_amount": open_amount,
        "assignments": selectors.plan_assignment_list(enterprise=enterprise)[:12],
    }


def open_bills_of(enterprise) -> QuerySet[Bill]:
    return selectors.with_payment_state(
        Bill.objects.filter(enterprise=enterprise, kind=BillKind.BILL, status=BillStatus.ISSUED)
    ).filter(open__gt=0)


def billable_enterprise_list(q: str = "") -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.filter(is_park_operator=False).exclude(status="applied")
    if q:
        enterprises = enterprises.filter(name__icontains=q.strip()) | enterprises.filter(
            code__iexact=q.strip()
        )
    return enterprises.order_by("name")
