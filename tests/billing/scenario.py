"""Billing data for the page, PDF and export tests, made through the services (as a park's
finance staff would): a price list, a plan, February's bills, a payment, a credit note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from apps.billing import services
from apps.billing.models import Bill, ManualCharge, Plan, PriceList
from tests import factories

PERIOD = dt.date(2026, 2, 1)  # a month that has ended at FROZEN_NOW (2026-03-18)

PRICES = [
    {"kind": "prefix_annual", "unit_price": "1000", "free_allowance": "0", "tiers": []},
    {
        "kind": "registration",
        "unit_price": "0",
        "free_allowance": "10000",
        "tiers": [
            {"from_quantity": "0", "to_quantity": "1000000", "unit_price": "5"},
            {"from_quantity": "1000000", "to_quantity": None, "unit_price": "2"},
        ],
    },
    {"kind": "resolution", "unit_price": "3", "free_allowance": "100000", "tiers": []},
    {"kind": "storage", "unit_price": "20", "free_allowance": "1", "tiers": []},
    {"kind": "terminal", "unit_price": "2", "free_allowance": "0", "tiers": []},
]


@dataclass
class Billing:
    finance: object
    price_list: PriceList
    plan: Plan
    bill_a: Bill
    bill_b: Bill


def park_finance():
    return factories.user("park_finance", park_role="park_finance")


def enterprise_finance(enterprise, username: str = "finance_a"):
    return factories.member(username, enterprise, role="enterprise_finance")


def price_list(actor) -> PriceList:
    existing = PriceList.objects.filter(effective_from=dt.date(2026, 1, 1)).first()
    if existing is not None:
        return existing
    return services.price_list_create(
        actor=actor, name="2026 年资费标准", effective_from=dt.date(2026, 1, 1), prices=PRICES
    )


def plan(actor) -> Plan:
    existing = Plan.objects.filter(code="basic").first()
    return existing or services.plan_create(
        actor=actor,
        code="basic",
        name="基础套餐",
        monthly_fee="500",
        registration_allowance="50000",
        resolution_allowance="1000000",
    )


def issued_bills(enterprise_a, enterprise_b) -> Billing:
    """February's bills of both enterprises, issued; each carries a one-off training charge so
    its total is not zero."""
    finance = park_finance()
    prices = price_list(finance)
    basic = plan(finance)
    bills = []
    for enterprise, amount in ((enterprise_a, "1200"), (enterprise_b, "800")):
        if not ManualCharge.objects.filter(enterprise=enterprise, period=PERIOD).exists():
            services.manual_charge_add(
                actor=finance,
                enterprise=enterprise,
                period=PERIOD,
                description="标识应用培训",
                reason="现场培训两天",
                unit_price=amount,
            )
        bill, _outcome = services.bill_generate(enterprise=enterprise, period=PERIOD, actor=finance)
        if not bill.is_issued:
            bill = services.bill_issue(actor=finance, bill=bill)
        bills.append(bill)
    return Billing(finance=finance, price_list=prices, plan=basic, bill_a=bills[0], bill_b=bills[1])


def total_of(bill: Bill) -> Decimal:
    return Bill.objects.get(pk=bill.pk).total
