"""Reads for the pages: receivables with ageing, collection figures, revenue, top usage, balance."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.billing import selectors, services
from apps.tenants.models import Enterprise
from tests.billing import builders
from tests.billing.builders import FEBRUARY, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(frozen_clock, park_finance, enterprise_a, enterprise_b):
    builders.price_list(park_finance)
    builders.resolutions(enterprise_a, 300000, hour=local(2026, 2, 3, 10))  # ¥106
    builders.resolutions(enterprise_b, 200000, hour=local(2026, 2, 3, 10))  # ¥53
    bills = {}
    for enterprise in (enterprise_a, enterprise_b):
        draft, _outcome = services.bill_generate(enterprise=enterprise, period=FEBRUARY)
        bills[enterprise.code] = services.bill_issue(actor=park_finance, bill=draft)  # due 2026-04-02
    services.payment_record(
        actor=park_finance,
        enterprise=enterprise_a,
        reference="TX-1",
        amount="6.00",
        received_on=dt.date(2026, 3, 10),
    )
    return bills


def test_collection_figures(issued):
    figures = selectors.collection_figures(on=dt.date(2026, 3, 18))
    assert figures["billed"] == Decimal("159.00") and figures["collected"] == Decimal("6.00")
    assert figures["open"] == Decimal("153.00") and figures["overdue"] == 0
    assert figures["collection_rate"] == Decimal("3.8")
    assert selectors.collection_figures(on=dt.date(2026, 4, 3))["overdue"] == Decimal("153.00")


def test_receivables_age_by_days_past_due(issued, park_auditor, finance_a):
    now = selectors.receivables(user=park_auditor, on=dt.date(2026, 3, 18))
    assert now["totals"]["current"] == Decimal("153.00") and now["total"] == Decimal("153.00")
    later = selectors.receivables(user=park_auditor, on=dt.date(2026, 5, 10))  # 38 days past due
    assert later["totals"]["31_60"] == Decimal("153.00")
    assert {row["days_overdue"] for row in later["rows"]} == {38}
    # an enterprise's finance member sees only its own receivable
    own = selectors.receivables(user=finance_a, on=dt.date(2026, 5, 10))
    assert [row["bill"].number for row in own["rows"]] == ["ZD202602-ALPHA"] and own["total"] == Decimal(
        "100.00"
    )


def test_revenue_and_top_usage(issued, park_finance):
    services.credit_note_create(
        actor=park_finance, bill=issued["BETA"], reason="优惠", lines=[{"amount": "10"}]
    )
    assert selectors.revenue_by_month(start=FEBRUARY, end=FEBRUARY) == [
        {"period": FEBRUARY, "total": Decimal("148.40"), "subtotal": Decimal("140.00")}
    ]
    by_kind = {row["kind"]: row["amount"] for row in selectors.revenue_by_kind(start=FEBRUARY, end=FEBRUARY)}
    assert by_kind["resolution"] == Decimal("150.00") and by_kind["manual"] == Decimal("-10.00")
    operator = Enterprise.objects.get(is_park_operator=True)
    builders.resolutions(operator, 900000, hour=local(2026, 2, 3, 10))
    top = selectors.top_enterprises_by_usage(period=FEBRUARY)  # the park operator is not ranked
    assert [(row["name"], row["quantity"]) for row in top] == [
        ("Alpha 测试科技有限公司", Decimal(300000)),
        ("Beta 测试科技有限公司", Decimal(200000)),
    ]


def test_bills_hidden_from_members_without_finance_and_drafts_from_enterprises(
    frozen_clock, park_finance, enterprise_a, finance_a, member_a, park_auditor
):
    draft, _outcome = services.bill_generate(enterprise=enterprise_a, period=FEBRUARY)
    assert list(selectors.bill_list(user=park_auditor)) == [draft]
    assert list(selectors.bill_list(user=finance_a)) == []  # a draft is the park's business
    services.bill_issue(actor=park_finance, bill=draft)
    assert [b.pk for b in selectors.bill_list(user=finance_a)] == [draft.pk]
    assert list(selectors.bill_list(user=member_a)) == []
    assert selectors.bill_get(user=member_a, pk=draft.pk) is None
