"""Bills and payments in the admin: read-only, seen by the park's billing readers only."""

import pytest

from apps.billing import services
from apps.billing.models import Bill, Payment
from tests import factories
from tests.billing import builders
from tests.billing.builders import FEBRUARY, local

pytestmark = pytest.mark.django_db

BASE = "/admin/billing"


@pytest.fixture
def issued(frozen_clock, park_finance, enterprise_a):
    builders.price_list(park_finance)
    builders.resolutions(enterprise_a, 300000, hour=local(2026, 2, 3, 10))
    draft, _outcome = services.bill_generate(enterprise=enterprise_a, period=FEBRUARY)
    bill = services.bill_issue(actor=park_finance, bill=draft)
    payment = services.payment_record(
        actor=park_finance, enterprise=enterprise_a, reference="TX-ADMIN-1", amount="50", received_on=FEBRUARY
    )
    return bill, payment


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_billing_readers_see_bills_and_payments_and_change_nothing(issued, park_finance, park_client):
    bill, payment = issued
    park_client.force_login(_staff(park_finance))
    listing = park_client.get(f"{BASE}/bill/")
    assert listing.status_code == 200 and bill.number in listing.content.decode()
    page = park_client.get(f"{BASE}/bill/{bill.pk}/change/")
    assert page.status_code == 200 and "TX-ADMIN-1" not in page.content.decode()
    assert park_client.get(f"{BASE}/payment/{payment.pk}/change/").status_code == 200
    total = bill.total
    assert park_client.post(f"{BASE}/bill/{bill.pk}/change/", {"total": "1"}).status_code == 403
    assert park_client.post(f"{BASE}/bill/{bill.pk}/delete/", {"post": "yes"}).status_code == 403
    assert park_client.get(f"{BASE}/payment/add/").status_code == 403
    bill.refresh_from_db()
    assert bill.total == total and Payment.objects.filter(pk=payment.pk).exists()


def test_park_staff_without_a_billing_role_see_no_billing(issued, park_client):
    operator = _staff(factories.user("admin_ops_staff", park_role="park_operator"))
    park_client.force_login(operator)
    assert park_client.get(f"{BASE}/bill/").status_code == 403
    index = park_client.get("/admin/")
    assert index.status_code == 200 and f"{BASE}/" not in index.content.decode()
    assert Bill.objects.count() == 1
