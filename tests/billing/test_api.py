"""/api/v1/billing/: who sees what. Each door is probed as another enterprise, as a member without
the finance role and as an anonymous caller; park finance writes, the park auditor only reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.billing import services
from apps.billing.models import Bill, BillingRun, InvoiceRequest, Payment
from tests.billing import builders
from tests.billing.builders import FEBRUARY, local

pytestmark = pytest.mark.django_db

PARK = "park.localhost"
ALPHA = "alpha.park.localhost"
BETA = "beta.park.localhost"
URL = "/api/v1/billing/"


def api(host: str, user=None) -> Client:
    headers = {"HTTP_HOST": host}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return Client(**headers)


@pytest.fixture
def bills(frozen_clock, park_finance, enterprise_a, enterprise_b):
    """February issued for both enterprises: alpha owes 200,000 resolutions' worth, beta nothing."""
    builders.price_list(park_finance)
    builders.resolutions(enterprise_a, 300000, hour=local(2026, 2, 3, 10))
    builders.resolutions(enterprise_b, 200000, hour=local(2026, 2, 3, 10))
    out = {}
    for enterprise in (enterprise_a, enterprise_b):
        bill, _outcome = services.bill_generate(enterprise=enterprise, period=FEBRUARY)
        out[enterprise.code] = services.bill_issue(actor=park_finance, bill=bill)
    return out


def test_anonymous_gets_nothing(bills):
    for host in (PARK, ALPHA):
        for path in (
            "bills/",
            f"bills/{bills['ALPHA'].pk}/",
            "payments/",
            "invoice-requests/",
            "usage/",
            "price-lists/",
        ):
            response = api(host).get(URL + path)
            assert response.status_code in (401, 403), (host, path)
            assert set(response.json()) == {"code", "message", "errors"}


def test_an_enterprise_sees_only_its_own_bills(bills, finance_a, admin_b):
    alpha, beta = bills["ALPHA"], bills["BETA"]
    body = api(ALPHA, finance_a).get(URL + "bills/").json()
    assert [b["number"] for b in body["results"]] == [alpha.number]
    detail = api(ALPHA, finance_a).get(f"{URL}bills/{alpha.pk}/").json()
    assert detail["total"] == "106.00" and detail["total_in_words"] == "壹佰零陆元整"
    assert [(line["kind"], line["billable_quantity"], line["amount"]) for line in detail["lines"]] == [
        ("resolution", "200000.0000", "100.00"),
        ("storage", detail["lines"][1]["billable_quantity"], "0.00"),
    ]
    # beta's administrator: on its own domain, alpha's bill does not exist
    assert api(BETA, admin_b).get(f"{URL}bills/{alpha.pk}/").status_code == 404
    assert [b["number"] for b in api(BETA, admin_b).get(URL + "bills/").json()["results"]] == [beta.number]
    # on alpha's domain beta's administrator is not a member
    assert api(ALPHA, admin_b).get(URL + "bills/").status_code == 403
    # on the park domain an enterprise user sees only its enterprises' bills
    assert [b["number"] for b in api(PARK, admin_b).get(URL + "bills/").json()["results"]] == [beta.number]
    assert api(PARK, admin_b).get(f"{URL}bills/{alpha.pk}/").status_code == 404
    assert api(PARK, admin_b).get(URL + "usage/?enterprise=ALPHA").status_code == 404


def test_members_without_the_finance_role_see_nothing(bills, member_a):
    for path in ("bills/", "payments/", "invoice-requests/", "usage/", "price-lists/"):
        assert api(ALPHA, member_a).get(URL + path).status_code == 403, path
        assert api(PARK, member_a).get(URL + path).status_code == 403, path


def test_usage_of_the_month_so_far_against_the_allowance(bills, finance_a, enterprise_a):
    builders.resolutions(enterprise_a, 25000, hour=local(2026, 3, 2, 8))
    body = api(ALPHA, finance_a).get(URL + "usage/").json()
    assert body["period"] == "2026-03-01" and body["enterprise"]["code"] == "ALPHA"
    rows = {row["kind"]: row for row in body["rows"]}
    assert rows["resolution"]["quantity"] == "25000.0000" and rows["resolution"]["allowance"] == "100000.0000"
    assert rows["resolution"]["percent"] == 25
    february = api(ALPHA, finance_a).get(URL + "usage/?period=2026-02").json()
    assert {r["kind"]: r["quantity"] for r in february["rows"]}["resolution"] == "300000.0000"


def test_park_auditor_reads_everything_and_changes_nothing(bills, park_auditor):
    client = api(PARK, park_auditor)
    assert len(client.get(URL + "bills/").json()["results"]) == 2
    assert client.get(URL + "usage/?enterprise=ALPHA").status_code == 200
    payment = {"enterprise": "ALPHA", "reference": "TX-1", "amount": "10.00", "received_on": "2026-03-10"}
    assert client.post(URL + "payments/", payment, content_type="application/json").status_code == 403
    assert (
        client.post(
            f"{URL}bills/{bills['ALPHA'].pk}/credit-note/", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(URL + "runs/", {"period": "2026-02"}, content_type="application/json").status_code == 403
    )
    assert not Payment.objects.exists() and Bill.objects.count() == 2


def test_park_finance_records_payments_and_a_duplicate_reference_is_refused(
    bills, park_finance, finance_a, admin_b
):
    client = api(PARK, park_finance)
    payment = {
        "enterprise": "ALPHA",
        "reference": "TX-20260310-1",
        "amount": "50.00",
        "received_on": "2026-03-10",
    }
    response = client.post(URL + "payments/", payment, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["allocations"] == [{"bill": bills["ALPHA"].number, "amount": "50.00"}]
    again = client.post(URL + "payments/", payment, content_type="application/json")
    assert again.status_code == 400
    assert list(again.json()["errors"]) == ["reference"]
    assert Payment.objects.count() == 1
    # the enterprise sees its payment, the other enterprise does not
    assert len(api(ALPHA, finance_a).get(URL + "payments/").json()["results"]) == 1
    assert api(BETA, admin_b).get(URL + "payments/").json()["results"] == []
    # an enterprise cannot record payments, even its own
    assert (
        api(ALPHA, finance_a).post(URL + "payments/", payment, content_type="application/json").status_code
        == 403
    )


def test_invoice_requests(bills, park_finance, finance_a, admin_b):
    alpha = bills["ALPHA"]
    request = {
        "bill": alpha.pk,
        "invoice_type": "special",
        "title": "Alpha 测试科技有限公司",
        "taxpayer_number": "91320594MA1N2K8B0X",  # wrong check character
        "address": "苏州工业园区 1 号",
        "phone": "0512-1234567",
        "bank_name": "工商银行园区支行",
        "bank_account": "1102020000000000",
    }
    response = api(ALPHA, finance_a).post(URL + "invoice-requests/", request, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["taxpayer_number"]
    missing_bank = {**request, "taxpayer_number": "91320594MA1N2K8B0J", "bank_account": ""}
    response = api(ALPHA, finance_a).post(
        URL + "invoice-requests/", missing_bank, content_type="application/json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["bank_account"]
    # beta cannot ask for an invoice on alpha's bill
    foreign = {**request, "taxpayer_number": "91320594MA1P3R6D0Y"}
    response = api(BETA, admin_b).post(URL + "invoice-requests/", foreign, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["bill"]
    response = api(ALPHA, finance_a).post(
        URL + "invoice-requests/",
        {**request, "taxpayer_number": "91320594MA1N2K8B0J"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["amount"] == "106.00" and created["status"] == "requested"
    assert api(BETA, admin_b).get(URL + "invoice-requests/").json()["results"] == []
    # the park records the fapiao its tax system issued
    pdf = SimpleUploadedFile("fapiao.pdf", b"%PDF-1.4 fapiao", content_type="application/pdf")
    issued = api(PARK, park_finance).post(
        f"{URL}invoice-requests/{created['id']}/issue/",
        {"invoice_number": "24322000000012345678", "invoice_date": "2026-03-18", "invoice_file": pdf},
    )
    assert issued.status_code == 200, issued.json()
    assert issued.json()["status"] == "issued" and issued.json()["has_file"]
    stored = InvoiceRequest.objects.get()
    assert stored.invoice_file.read() == b"%PDF-1.4 fapiao"
    assert stored.invoice_date == dt.date(2026, 3, 18)


def test_an_enterprise_cannot_write_through_the_api(bills, finance_a):
    client = api(ALPHA, finance_a)
    alpha = bills["ALPHA"]
    assert (
        client.post(
            f"{URL}bills/{alpha.pk}/credit-note/", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(URL + "runs/", {"period": "2026-02"}, content_type="application/json").status_code == 403
    )
    assert client.get(URL + "runs/").json()["results"] == []


def test_price_list_is_readable_by_finance(bills, finance_a):
    body = api(ALPHA, finance_a).get(URL + "price-lists/current/").json()
    assert body["effective_from"] == "2026-01-01" and body["is_locked"]
    kinds = {p["kind"]: p for p in body["prices"]}
    assert (
        kinds["resolution"]["unit_size"] == 10000
        and kinds["registration"]["tiers"][1]["unit_price"] == "20.0000"
    )
    name = body["name"]
    found = api(ALPHA, finance_a).get(URL + "price-lists/", {"name": name[1:]}).json()["results"]
    assert [p["name"] for p in found] == [name]
    assert api(ALPHA, finance_a).get(URL + "price-lists/", {"name": name + "（旧）"}).json()["results"] == []


def test_the_schema_documents_the_billing_api(park_admin):
    response = api(PARK, park_admin).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/billing/bills/",
        "/api/v1/billing/payments/",
        "/api/v1/billing/usage/",
        "/api/v1/billing/invoice-requests/",
    ):
        assert path in text


def test_a_billing_runs_task_progress_is_not_an_enterprise_door(
    frozen_clock, park_finance, finance_a, admin_b
):
    from django.test import Client

    from tests import factories

    run = services.billing_run_start(actor=park_finance, period=FEBRUARY)
    path = f"/tasks/{run.task_run_id}/status/"
    for host, user in ((ALPHA, finance_a), (PARK, finance_a), (BETA, admin_b)):
        client = Client(HTTP_HOST=host)
        client.login(username=user.username, password=factories.PASSWORD)
        assert client.get(path).status_code == 404, host
    assert Client(HTTP_HOST=PARK).get(path).status_code == 302  # anonymous: to the login page
    finance = Client(HTTP_HOST=PARK)
    finance.login(username=park_finance.username, password=factories.PASSWORD)
    assert finance.get(path).json()["task"] == "billing.run"


def test_a_filter_that_is_sent_filters_and_a_bad_one_is_refused(bills, park_auditor, finance_a):
    client = api(PARK, park_auditor)
    assert client.get(URL + "bills/", {"period": "2026-02"}).json()["count"] == 2
    assert client.get(URL + "bills/", {"period": "2026-01"}).json()["count"] == 0
    assert client.get(URL + "bills/", {"payment_state": "unpaid", "enterprise": "ALPHA"}).json()["count"] == 1
    for name, value in (
        ("period", "2026-13"),
        ("period", ""),
        ("status", "paid"),
        ("kind", ""),
        ("payment_state", "x"),
    ):
        response = client.get(URL + "bills/", {name: value})
        assert response.status_code == 400 and list(response.json()["errors"]) == [name], (name, value)
    assert api(ALPHA, finance_a).get(URL + "invoice-requests/", {"status": "nope"}).status_code == 400
    response = api(PARK, park_auditor).get(URL + "usage/", {"enterprise": "ALPHA", "period": "March"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["period"]


def test_balance_of_an_enterprise(bills, park_finance, finance_a, admin_b, park_auditor):
    services.payment_record(
        actor=park_finance,
        enterprise=bills["ALPHA"].enterprise,
        reference="TX-OVER",
        amount="150.00",
        received_on=dt.date(2026, 3, 10),
    )
    body = api(ALPHA, finance_a).get(URL + "balance/").json()
    assert body["balance"] == "44.00" and body["enterprise"]["code"] == "ALPHA"
    assert body["entries"] == [
        {
            "kind": "overpayment",
            "kind_label": "多付转预存款",
            "amount": "44.00",
            "bill": None,
            "payment": "TX-OVER",
            "created_at": body["entries"][0]["created_at"],
        }
    ]
    assert api(BETA, admin_b).get(URL + "balance/").json()["balance"] == "0.00"
    assert api(PARK, admin_b).get(URL + "balance/", {"enterprise": "ALPHA"}).status_code == 404
    assert api(PARK, park_auditor).get(URL + "balance/", {"enterprise": "ALPHA"}).json()["balance"] == "44.00"
    assert api(ALPHA).get(URL + "balance/").status_code in (401, 403)


def test_bill_pdf_through_the_api(bills, finance_a, admin_b, park_auditor, park_finance, enterprise_a):
    alpha = bills["ALPHA"]
    path = f"{URL}bills/{alpha.pk}/pdf/"
    for host in (ALPHA, PARK):
        response = api(host, finance_a).get(path, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200, host
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert f'filename="{alpha.number}.pdf"' in response["Content-Disposition"]
    assert api(PARK, park_auditor).get(path).status_code == 200
    # ?format= names json or pdf (the schema's enum): an empty or unknown one is refused alike
    assert api(ALPHA, finance_a).get(path, {"format": "pdf"}).status_code == 200
    for wrong in ("", "xml"):
        refused = api(ALPHA, finance_a).get(path, {"format": wrong})
        assert refused.status_code == 404 and set(refused.json()) == {"code", "message", "errors"}, wrong
    # anonymous, another enterprise (on its own domain, on alpha's, on the park's): nothing
    for host in (PARK, ALPHA):
        response = api(host).get(path)
        assert response.status_code in (401, 403) and response["Content-Type"] == "application/json"
    assert api(BETA, admin_b).get(path).status_code == 404
    assert api(ALPHA, admin_b).get(path).status_code == 403
    refused = api(PARK, admin_b).get(path, HTTP_ACCEPT="application/pdf")
    assert refused.status_code == 404 and set(refused.json()) == {"code", "message", "errors"}
    # a draft is the park's to review, not the enterprise's to download
    draft, _outcome = services.bill_generate(enterprise=enterprise_a, period=dt.date(2026, 3, 1))
    assert draft.status == "draft"
    assert api(ALPHA, finance_a).get(f"{URL}bills/{draft.pk}/pdf/").status_code == 404
    assert api(PARK, finance_a).get(f"{URL}bills/{draft.pk}/pdf/").status_code == 404
    assert api(PARK, park_finance).get(f"{URL}bills/{draft.pk}/pdf/").status_code == 200


def test_the_schema_documents_the_bill_pdf(park_admin):
    schema = api(PARK, park_admin).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/billing/bills/{id}/pdf/"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/pdf"]


def test_a_non_numeric_id_or_a_month_that_is_not_one_is_refused_cleanly(bills, park_finance):
    """Found by schemathesis over the whole schema: ``/bills/false/issue/`` and a run for
    ``0000-00`` answered 500. An id is a number (404 otherwise) and a period a real month (400)."""
    client = api(PARK, park_finance)
    runs_before = BillingRun.objects.count()
    for path in (
        "bills/false/issue/",
        "bills/x1/regenerate/",
        "invoice-requests/false/reject/",
        "bills/nope/",
    ):
        answer = client.post(URL + path, {}, content_type="application/json")
        if path == "bills/nope/":
            answer = client.get(URL + path)
        assert answer.status_code == 404, path
        assert answer["Content-Type"].startswith("application/json"), path
    for period in ("0000-00", "2026-13", "1900-01"):
        answer = client.post(URL + "runs/", {"period": period}, content_type="application/json")
        assert answer.status_code == 400, period
        assert "period" in answer.json()["errors"], period
    assert BillingRun.objects.count() == runs_before
