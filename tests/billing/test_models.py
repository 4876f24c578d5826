import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.billing.choices import BillKind
from apps.billing.models import Bill

pytestmark = pytest.mark.django_db


def test_one_bill_per_enterprise_per_period_is_enforced_by_the_database(enterprise_a):
    period = dt.date(2026, 2, 1)
    Bill.objects.create(number="T-1", enterprise=enterprise_a, period=period)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.create(number="T-2", enterprise=enterprise_a, period=period)


def test_a_credit_note_must_reference_a_bill(enterprise_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.create(
            number="HC-1", enterprise=enterprise_a, period=dt.date(2026, 2, 1), kind=BillKind.CREDIT_NOTE
        )
    bill = Bill.objects.create(number="T-3", enterprise=enterprise_a, period=dt.date(2026, 1, 1))
    note = Bill.objects.create(
        number="HC-2",
        enterprise=enterprise_a,
        period=bill.period,
        kind=BillKind.CREDIT_NOTE,
        credits=bill,
        total=Decimal("-10.00"),
    )
    assert note.credits == bill
