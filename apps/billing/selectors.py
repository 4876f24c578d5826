"""Reads for billing. Lists take the reading ``user`` and return only what that user may see:
the park's readers (admin, finance, auditor) everything, an enterprise's admin and finance
members their own enterprise, anyone else nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from apps.billing.choices import (
    PRICED_KINDS,
    BillKind,
    BillStatus,
    ChargeKind,
    PaymentState,
)
from apps.billing.models import (
    BalanceEntry,
    Bill,
    BillingEvent,
    BillingRun,
    BillingSettings,
    BillLine,
    InvoiceRequest,
    Payment,
    Plan,
    PlanAssignment,
    Price,
    PriceList,
    PriceTier,
)
from apps.billing.periods import current_period, period_bounds, today
from apps.billing.permissions import can_read_park_billing, enterprise_ids_readable_by

ZERO = Decimal("0")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def billing_settings() -> BillingSettings:
    return BillingSettings.load()


# ---------------------------------------------------------------- price lists and plans


def _with_prices(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        Prefetch(
            "prices", queryset=Price.objects.prefetch_related(Prefetch("tiers", PriceTier.objects.all()))
        )
    )


def price_list_list() -> QuerySet[PriceList]:
    return _with_prices(PriceList.objects.all())


def price_list_for(period: dt.date) -> PriceList | None:
    """The version in force on the period's first day (a version effective mid-month applies from
    the next period)."""
    return (
        _with_prices(PriceList.objects.filter(effective_from__lte=period)).order_by("-effective_from").first()
    )


def price_list_current() -> PriceList | None:
    return (
        _with_prices(PriceList.objects.filter(effective_from__lte=today()))
        .order_by("-effective_from")
        .first()
    )


def plan_list(*, active_only: bool = False) -> QuerySet[Plan]:
    plans = Plan.objects.all()
    return plans.filter(is_active=True) if active_only else plans


def plans_for(period: dt.date, enterprise_ids: list[int] | None = None) -> dict[int, Plan]:
    """{enterprise id: its plan in ``period``} (the latest assignment effective by then), one query."""
    assignments = PlanAssignment.objects.filter(effective_from__lte=period).select_related("plan")
    if enterprise_ids is not None:
        assignments = assignments.filter(enterprise_id__in=enterprise_ids)
    plans: dict[int, Plan] = {}
    for assignment in assignments.order_by("enterprise_id", "-effective_from").distinct("enterprise_id"):
        plans[assignment.enterprise_id] = assignment.plan
    return plans


def plan_for(enterprise, period: dt.date | None = None) -> Plan | None:
    return plans_for(period or current_period(), [enterprise.pk]).get(enterprise.pk)


def plan_assignment_list(*, enterprise) -> QuerySet[PlanAssignment]:
    return PlanAssignment.objects.filter(enterprise=enterprise).select_related("plan", "assigned_by")


def allowance_for(kind: str, *, price: Price | None, plan: Plan | None) -> Decimal:
    """The month's free allowance: the plan's where it sets one, else the price list's."""
    if plan is not None:
        value = plan.allowance_for(kind)
        if value is not None:
            return value
    return price.free_allowance if price is not None else ZERO


# ---------------------------------------------------------------- usage


def enterprise_usage(*, enterprise, period: dt.date | None = None) -> dict[str, Any]:
    """The enterprise's usage in ``period`` (default: this month so far) against its allowances:
    ``{"period", "plan", "as_of", "rows": [{"kind", "label", "quantity", "allowance", "percent"}]}``."""
    from django.utils import timezone

    from apps.billing.usage import usage_for_period

    period = period or current_period()
    now = timezone.now()
    usage = usage_for_period(period, enterprise_ids=[enterprise.pk], until=now)[enterprise.pk]
    price_list = price_list_for(period)
    prices = {p.kind: p for p in price_list.prices.all()} if price_list else {}
    plan = plan_for(enterprise, period)
    rows = []
    for kind in (ChargeKind.REGISTRATION, ChargeKind.RESOLUTION, ChargeKind.STORAGE, ChargeKind.TERMINAL):
        quantity = usage.quantity(kind)
        allowance = allowance_for(kind, price=prices.get(kind), plan=plan)
        percent = int(min(100, quantity * 100 / allowance)) if allowance else (100 if quantity else 0)
        rows.append(
            {
                "kind": kind,
                "label": str(ChargeKind(kind).label),
                "quantity": quantity,
                "allowance": allowance,
                "percent": percent,
            }
        )
    return {"period": period, "plan": plan, "as_of": now, "usage": usage, "rows": rows}


# ---------------------------------------------------------------- bills


def bills_visible_to(user) -> QuerySet[Bill]:
    bills = Bill.objects.all()
    if can_read_park_billing(user):
        return bills
    return bills.filter(enterprise_id__in=enterprise_ids_readable_by(user), status=BillStatus.ISSUED)


def with_payment_state(qs: QuerySet[Bill], on: dt.date | None = None) -> QuerySet[Bill]:
    """Annotate ``open`` (应收) and ``payment_state`` (unpaid / partial / paid / overdue)."""
    on = on or today()
    open_amount = ExpressionWrapper(
        Greatest(F("total") - F("credited_amount") - F("paid_amount"), Value(ZERO)), output_field=MONEY_FIELD
    )
    return qs.annotate(open=open_amount).annotate(
        payment_state=Case(
            When(Q(open__lte=0), then=Value(PaymentState.PAID)),
            When(Q(due_date__lt=on), then=Value(PaymentState.OVERDUE)),
            When(Q(paid_amount__gt=0), then=Value(PaymentState.PARTIAL)),
            default=Value(PaymentState.UNPAID),
        )
    )


def bill_list(
    *,
    user,
    enterprise=None,
    period: dt.date | None = None,
    status: str | None = None,
    kind: str | None = None,
    payment_state: str | None = None,
    q: str | None = None,
) -> QuerySet[Bill]:
    bills = with_payment_state(bills_visible_to(user)).select_related("enterprise", "credits")
    if enterprise is not None:
        bills = bills.filter(enterprise=enterprise)
    if period is not None:
        bills = bills.filter(period=period)
    if status:
        bills = bills.filter(status=status)
    if kind:
        bills = bills.filter(kind=kind)
    if payment_state:
        bills = bills.filter(kind=BillKind.BILL, status=BillStatus.ISSUED, payment_state=payment_state)
    if q:
        q = q.strip()
        bills = bills.filter(
            Q(number__icontains=q) | Q(enterprise__name__icontains=q) | Q(enterprise__code__iexact=q)
        )
    return bills.order_by("-period", "enterprise__name", "id")


def bill_get(*, user, pk: int) -> Bill | None:
    return (
        with_payment_state(bills_visible_to(user))
        .select_related("enterprise", "credits", "price_list", "plan", "issued_by")
        .prefetch_related(Prefetch("lines", BillLine.objects.order_by("position", "id")), "credit_notes")
        .filter(pk=pk)
        .first()
    )


def bill_for(*, enterprise, period: dt.date) -> Bill | None:
    return Bill.objects.filter(enterprise=enterprise, period=period, kind=BillKind.BILL).first()


def billing_run_list() -> QuerySet[BillingRun]:
    return BillingRun.objects.select_related("task_run", "started_by")


# ---------------------------------------------------------------- collections


def enterprise_balance(enterprise) -> Decimal:
    """预存款: the sum of the enterprise's balance entries."""
    total = BalanceEntry.objects.filter(enterprise=enterprise).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def balance_entries(*, enterprise) -> QuerySet[BalanceEntry]:
    return BalanceEntry.objects.filter(enterprise=enterprise).select_related("payment", "bill")


def payment_list(*, user, enterprise=None, q: str | None = None) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("enterprise").prefetch_related("allocations__bill")
    if not can_read_park_billing(user):
        payments = payments.filter(enterprise_id__in=enterprise_ids_readable_by(user))
    if enterprise is not None:
        payments = payments.filter(enterprise=enterprise)
    if q:
        payments = payments.filter(
            Q(reference__icontains=q.strip()) | Q(enterprise__name__icontains=q.strip())
        )
    return payments


AGEING_BUCKETS = (
    ("current", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("90_plus", 91, None),
)


def receivables(*, user, on: dt.date | None = None, enterprise=None, q: str | None = None) -> dict[str, Any]:
    """应收账款: the open issued bills with their age past the due date (账龄: current — not yet
    due —, 1–30, 31–60, 61–90, 90+ days) and the totals per bucket, in one query."""
    on = on or today()
    bills = bill_list(
        user=user, enterprise=enterprise, status=BillStatus.ISSUED, kind=BillKind.BILL, q=q
    ).filter(open__gt=0)
    rows = []
    totals = {name: ZERO for name, _lo, _hi in AGEING_BUCKETS}
    for bill in bills:
        days = (on - bill.due_date).days if bill.due_date else 0
        bucket = "current"
        for name, low, high in AGEING_BUCKETS[1:]:
            if days >= low and (high is None or days <= high):
                bucket = name
        totals[bucket] += bill.open
        rows.append({"bill": bill, "days_overdue": max(0, days), "bucket": bucket, "open": bill.open})
    return {"on": on, "rows": rows, "totals": totals, "total": sum(totals.values(), ZERO)}


def invoice_request_list(*, user, enterprise=None, status: str | None = None) -> QuerySet[InvoiceRequest]:
    requests = InvoiceRequest.objects.select_related("enterprise", "bill")
    if not can_read_park_billing(user):
        requests = requests.filter(enterprise_id__in=enterprise_ids_readable_by(user))
    if enterprise is not None:
        requests = requests.filter(enterprise=enterprise)
    if status:
        requests = requests.filter(status=status)
    return requests


def billing_timeline(*, enterprise, limit: int = 100) -> list[BillingEvent]:
    return list(BillingEvent.objects.filter(enterprise=enterprise).select_related("actor", "bill")[:limit])


# ---------------------------------------------------------------- dashboard


def _issued_bills():
    return Bill.objects.filter(status=BillStatus.ISSUED)


def revenue_by_month(*, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Issued amounts per period (bills minus credit notes) from ``start`` to ``end`` (periods)."""
    rows = (
        _issued_bills()
        .filter(period__gte=start, period__lte=end)
        .values("period")
        .annotate(total=Sum("total"), subtotal=Sum("subtotal"))
        .order_by("period")
    )
    return [
        {"period": r["period"], "total": r["total"] or ZERO, "subtotal": r["subtotal"] or ZERO} for r in rows
    ]


def revenue_by_kind(*, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Pre-tax amounts per charge kind over the periods (credit note lines count negative)."""
    rows = (
        BillLine.objects.filter(
            bill__status=BillStatus.ISSUED, bill__period__gte=start, bill__period__lte=end
        )
        .values("kind")
        .annotate(amount=Sum("amount"))
        .order_by("-amount")
    )
    return [
        {"kind": r["kind"], "label": str(ChargeKind(r["kind"]).label), "amount": r["amount"] or ZERO}
        for r in rows
    ]


def collection_figures(*, on: dt.date | None = None) -> dict[str, Decimal]:
    """Billed (net of credit notes), collected, open and overdue amounts of the issued bills, and
    the collection rate (collected / billed, %), in one query."""
    on = on or today()
    open_amount = Greatest(F("total") - F("credited_amount") - F("paid_amount"), Value(ZERO))
    figures = (
        _issued_bills()
        .filter(kind=BillKind.BILL)
        .aggregate(
            billed=Coalesce(Sum(F("total") - F("credited_amount")), Value(ZERO), output_field=MONEY_FIELD),
            collected=Coalesce(Sum("paid_amount"), Value(ZERO), output_field=MONEY_FIELD),
            open=Coalesce(Sum(open_amount), Value(ZERO), output_field=MONEY_FIELD),
            overdue=Coalesce(
                Sum(open_amount, filter=Q(due_date__lt=on)), Value(ZERO), output_field=MONEY_FIELD
            ),
        )
    )
    billed = figures["billed"]
    figures["collection_rate"] = (
        (figures["collected"] / billed * 100).quantize(Decimal("0.1")) if billed else ZERO
    )
    return figures


def top_enterprises_by_usage(
    *, period: dt.date, kind: str = ChargeKind.RESOLUTION, limit: int = 10, usage: dict | None = None
) -> list[dict]:
    """The enterprises with the most usage of ``kind`` in the period (set-based usage). A caller
    ranking several kinds passes the period's ``usage_for_period`` once as ``usage``."""
    from apps.billing.usage import usage_for_period
    from apps.tenants.models import Enterprise

    if usage is None:
        usage = usage_for_period(period)
    operator = set(Enterprise.objects.filter(is_park_operator=True).values_list("pk", flat=True))
    ranked = sorted(
        ((pk, u.quantity(kind)) for pk, u in usage.items() if u.quantity(kind) and pk not in operator),
        key=lambda r: r[1],
        reverse=True,
    )[:limit]
    names = dict(Enterprise.objects.filter(pk__in=[pk for pk, _q in ranked]).values_list("pk", "name"))
    return [{"enterprise_id": pk, "name": names.get(pk, ""), "quantity": quantity} for pk, quantity in ranked]


__all__ = [
    "PRICED_KINDS",
    "allowance_for",
    "balance_entries",
    "bill_for",
    "bill_get",
    "bill_list",
    "billing_run_list",
    "billing_settings",
    "billing_timeline",
    "bills_visible_to",
    "collection_figures",
    "enterprise_balance",
    "enterprise_usage",
    "invoice_request_list",
    "payment_list",
    "period_bounds",
    "plan_assignment_list",
    "plan_for",
    "plan_list",
    "plans_for",
    "price_list_current",
    "price_list_for",
    "price_list_list",
    "receivables",
    "revenue_by_kind",
    "revenue_by_month",
    "top_enterprises_by_usage",
    "with_payment_state",
]
