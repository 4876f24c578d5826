"""The billing demo (``manage.py load_demo``): a price list, plans, two issued bills — one paid,
one overdue —, a credit note and an invoice request; loading it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.billing import demo, selectors
from apps.billing.choices import BillKind, BillStatus, PaymentState
from apps.billing.models import Bill, InvoiceRequest, Payment, Plan, PriceList

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def snapshot():
    return [
        list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Bill, Payment, InvoiceRequest, Plan, PriceList)
    ]


def test_billing_demo_loads_once(park):
    call_command("load_demo", stdout=StringIO())
    assert PriceList.objects.filter(name=demo.PRICE_LIST_NAME).exists()
    assert set(Plan.objects.values_list("code", flat=True)) >= {"basic", "pro"}
    bills = {
        bill.enterprise.code: bill
        for bill in selectors.with_payment_state(
            Bill.objects.filter(kind=BillKind.BILL, status=BillStatus.ISSUED)
        ).select_related("enterprise")
    }
    assert bills["ZLJM"].payment_state == PaymentState.PAID
    assert bills["HXDZ"].payment_state == PaymentState.OVERDUE
    note = Bill.objects.get(kind=BillKind.CREDIT_NOTE)
    assert note.credits_id == bills["HXDZ"].pk and note.reason
    assert InvoiceRequest.objects.get().bill_id == bills["ZLJM"].pk
    before = snapshot()
    out = StringIO()
    demo.load(out)
    assert snapshot() == before
    assert "nothing changed" in out.getvalue()


def test_demo_info_prints_the_finance_logins(park):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_info", port=8000, stdout=out)
    text = out.getvalue()
    assert "Billing (计费与账单) logins" in text
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip().endswith("/billing/")}
    assert lines["park_finance"].endswith(":8000/billing/") and "zljm" not in lines["park_finance"]
    assert "zljm." in lines["zljm_finance"] and lines["zljm_finance"].endswith(":8000/billing/")
