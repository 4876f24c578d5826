"""Payments (partial, over, duplicate 流水号), the balance applied to the next bill, credit notes,
and the overdue policy: reminders, registration suspended through the prefix suspension service
(resolution keeps working), lifted when paid."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.audit.models import AuditEntry
from apps.billing import selectors, services
from apps.billing.choices import BillKind, PaymentState
from apps.billing.models import (
    BalanceEntry,
    Bill,
    BillingEvent,
    BillingSuspension,
    Payment,
    PaymentAllocation,
)
from apps.core.errors import ApplicationError
from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Prefix
from apps.identifiers.permissions import write_refusal
from tests.billing import builders
from tests.billing.builders import FEBRUARY, local

pytestmark = pytest.mark.django_db

MARCH_10 = dt.date(2026, 3, 10)


@pytest.fixture
def bill(frozen_clock, park_finance, enterprise_a):
    """Alpha's issued February bill: 200,000 resolutions over the allowance → ¥100 + 6% = ¥106."""
    builders.price_list(park_finance)
    builders.resolutions(enterprise_a, 300000, hour=local(2026, 2, 3, 10))
    draft, _outcome = services.bill_generate(enterprise=enterprise_a, period=FEBRUARY)
    return services.bill_issue(actor=park_finance, bill=draft)


def _pay(actor, enterprise, reference, amount, **kwargs):
    return services.payment_record(
        actor=actor, enterprise=enterprise, reference=reference, amount=amount, received_on=MARCH_10, **kwargs
    )


def _state(bill):
    return selectors.with_payment_state(Bill.objects.filter(pk=bill.pk)).get()


def test_partial_then_full_payment(bill, park_finance, enterprise_a):
    assert bill.total == Decimal("106.00")
    _pay(park_finance, enterprise_a, "TX-1", "40.00")
    bill.refresh_from_db()
    assert (
        bill.paid_amount == Decimal("40.00")
        and bill.open_amount == Decimal("66.00")
        and bill.settled_at is None
    )
    assert _state(bill).payment_state == PaymentState.PARTIAL
    _pay(park_finance, enterprise_a, "TX-2", "66.00")
    bill.refresh_from_db()
    assert bill.open_amount == 0 and bill.settled_at is not None
    assert _state(bill).payment_state == PaymentState.PAID
    assert selectors.enterprise_balance(enterprise_a) == 0
    assert AuditEntry.objects.filter(action="billing.payment_record").count() == 2


def test_an_overpayment_becomes_balance_and_pays_the_next_bill(
    bill, park_finance, enterprise_a, frozen_clock
):
    _pay(park_finance, enterprise_a, "TX-1", "150.00")
    bill.refresh_from_db()
    assert bill.paid_amount == Decimal("106.00") and bill.open_amount == 0  # never a negative bill
    assert selectors.enterprise_balance(enterprise_a) == Decimal("44.00")
    assert PaymentAllocation.objects.get().amount == Decimal("106.00")
    # March: 50,000 resolutions over the allowance → ¥25 + ¥1.50 VAT, paid from the balance at issue
    builders.resolutions(enterprise_a, 150000, hour=local(2026, 3, 5, 10))
    frozen_clock.move_to(dt.datetime(2026, 4, 1, 10, tzinfo=builders.SHANGHAI))
    march, _outcome = services.bill_generate(enterprise=enterprise_a, period=dt.date(2026, 3, 1))
    march = services.bill_issue(actor=park_finance, bill=march)
    assert march.total == Decimal("26.50") and march.paid_amount == Decimal("26.50") and march.settled_at
    assert selectors.enterprise_balance(enterprise_a) == Decimal("17.50")
    assert BalanceEntry.objects.filter(kind="applied", bill=march).get().amount == Decimal("-26.50")


def test_a_payment_is_recorded_once_per_reference(bill, park_finance, enterprise_a, enterprise_b):
    _pay(park_finance, enterprise_a, "TX-DUP", "10.00")
    for enterprise in (enterprise_a, enterprise_b):
        with pytest.raises(ApplicationError) as caught:
            _pay(park_finance, enterprise, "TX-DUP", "10.00")
        assert caught.value.errors.keys() == {"reference"} and caught.value.code == "duplicate_reference"
    assert Payment.objects.count() == 1
    bill.refresh_from_db()
    assert bill.paid_amount == Decimal("10.00")


def test_bad_payments_are_refused_naming_the_field(
    bill, park_finance, enterprise_a, enterprise_b, park_auditor
):
    for amount in ("0", "-5", "1.005", "abc"):
        with pytest.raises(ApplicationError) as caught:
            _pay(park_finance, enterprise_a, "TX-X", amount)
        assert caught.value.errors.keys() == {"amount"}
    with pytest.raises(ApplicationError) as caught:
        _pay(park_finance, enterprise_b, "TX-Y", "5", bills=[bill])  # alpha's bill, beta's money
    assert caught.value.errors.keys() == {"bills"}
    with pytest.raises(ApplicationError) as caught:
        services.payment_record(
            actor=park_finance,
            enterprise=enterprise_a,
            reference="TX-Z",
            amount="5",
            received_on=dt.date(2026, 3, 19),
        )
    assert caught.value.errors.keys() == {"received_on"}
    with pytest.raises(ApplicationError):
        _pay(park_auditor, enterprise_a, "TX-A", "5")
    assert not Payment.objects.exists()


def test_a_full_credit_note_reverses_the_bill_and_refunds_what_was_paid(bill, park_finance, enterprise_a):
    _pay(park_finance, enterprise_a, "TX-1", "100.00")
    note = services.credit_note_create(actor=park_finance, bill=bill, reason="解析量统计有误")
    assert note.kind == BillKind.CREDIT_NOTE and note.credits == bill and note.is_issued
    assert note.total == Decimal("-106.00") and note.vat_amount == Decimal("-6.00")
    assert note.total_in_words == "负壹佰零陆元整"
    assert [line.amount for line in note.lines.all()] == [-line.amount for line in bill.lines.all()]
    bill.refresh_from_db()
    assert bill.credited_amount == Decimal("106.00") and bill.paid_amount == 0 and bill.settled_at
    assert selectors.enterprise_balance(enterprise_a) == Decimal("100.00")  # paid money is kept as balance
    with pytest.raises(ApplicationError):
        services.credit_note_create(actor=park_finance, bill=bill, reason="再次红冲", lines=[{"amount": "1"}])
    assert BillingEvent.objects.filter(kind="credit_note", bill=bill).exists()


def test_a_partial_credit_note(bill, park_finance):
    note = services.credit_note_create(
        actor=park_finance, bill=bill, reason="优惠", lines=[{"description": "解析费优惠", "amount": "20.00"}]
    )
    assert (note.subtotal, note.vat_amount, note.total) == (
        Decimal("-20.00"),
        Decimal("-1.20"),
        Decimal("-21.20"),
    )
    bill.refresh_from_db()
    assert bill.open_amount == Decimal("84.80")
    with pytest.raises(ApplicationError) as caught:
        services.credit_note_create(actor=park_finance, bill=bill, reason="太多", lines=[{"amount": "80.01"}])
    assert caught.value.code == "too_much"
    assert Bill.objects.filter(kind=BillKind.CREDIT_NOTE).count() == 1
    with pytest.raises(ApplicationError) as caught:
        services.credit_note_create(actor=park_finance, bill=bill, reason="  ")
    assert caught.value.errors.keys() == {"reason"}


def test_a_draft_cannot_be_credited(frozen_clock, park_finance, enterprise_b):
    draft, _outcome = services.bill_generate(enterprise=enterprise_b, period=FEBRUARY)
    with pytest.raises(ApplicationError):
        services.credit_note_create(actor=park_finance, bill=draft, reason="x")


def test_overdue_reminders_suspension_and_lifting(
    bill,
    park_finance,
    enterprise_a,
    park_client,
    frozen_clock,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    from tests.reports import builders as registry

    prefix = builders.prefix(enterprise_a)
    registry.identifiers(enterprise_a, 1, version=registry.template_version(), start=900)
    handle = prefix.identifiers.get().handle
    assert str(bill.due_date) == "2026-04-02"  # policy: reminders 3 days before and 7 after, suspend after 30
    with django_capture_on_commit_callbacks(execute=True):
        assert services.overdue_policy_apply(on=dt.date(2026, 3, 29))["reminded_before"] == 0
        assert services.overdue_policy_apply(on=dt.date(2026, 3, 30))["reminded_before"] == 1
        assert services.overdue_policy_apply(on=dt.date(2026, 3, 31))["reminded_before"] == 0  # once
        assert services.overdue_policy_apply(on=dt.date(2026, 4, 9))["reminded_after"] == 1
    assert len(mailoutbox) == 2 and "ZD202602-ALPHA" in mailoutbox[0].subject
    assert "alpha@example.com" in mailoutbox[0].to
    assert services.overdue_policy_apply(on=dt.date(2026, 5, 1))["suspended"] == 0  # 29 days
    counts = services.overdue_policy_apply(on=dt.date(2026, 5, 2))  # 30 days overdue
    assert counts["suspended"] == 1
    prefix.refresh_from_db()
    assert prefix.status == PrefixStatus.SUSPENDED
    assert write_refusal(enterprise_a) is not None  # registration stops
    assert park_client.get(f"/api/handles/{handle}").status_code == 200  # resolution keeps working
    assert services.overdue_policy_apply(on=dt.date(2026, 5, 3))["suspended"] == 0  # once
    suspension = BillingSuspension.objects.get()
    assert suspension.prefix_ids == [prefix.pk] and suspension.lifted_at is None
    frozen_clock.move_to(dt.datetime(2026, 5, 3, 10, tzinfo=builders.SHANGHAI))
    _pay(park_finance, enterprise_a, "TX-LATE", "106.00")
    prefix.refresh_from_db()
    suspension.refresh_from_db()
    assert prefix.status == PrefixStatus.ACTIVE and suspension.lifted_at is not None
    assert write_refusal(enterprise_a) is None
    kinds = list(BillingEvent.objects.filter(enterprise=enterprise_a).values_list("kind", flat=True))
    assert {"reminder", "suspended", "resumed", "payment"} <= set(kinds)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "billing.suspend",
        "billing.resume",
        "prefix.suspend",
        "prefix.resume",
        "billing.reminder",
    } <= actions


def test_a_prefix_suspended_for_another_reason_stays_suspended(bill, park_finance, park_admin, enterprise_a):
    from apps.identifiers.prefixes import prefix_suspend

    prefix = builders.prefix(enterprise_a)
    services.overdue_policy_apply(on=dt.date(2026, 5, 2))
    assert BillingSuspension.objects.get().prefix_ids == [prefix.pk]
    other = Prefix.objects.create(prefix="88.101.ALPHA2", enterprise=enterprise_a, status="active")
    prefix_suspend(prefix=other, actor=park_admin, reason="违规")
    services.credit_note_create(actor=park_finance, bill=bill, reason="争议解决，免收")  # nothing left to pay
    prefix.refresh_from_db()
    other.refresh_from_db()
    assert prefix.status == PrefixStatus.ACTIVE and other.status == PrefixStatus.SUSPENDED
