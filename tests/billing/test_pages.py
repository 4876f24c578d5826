"""The billing pages: each renders for the roles that may see it and refuses everyone else
(other park roles, enterprise members, another enterprise, anonymous); the forms go through the
services and show their refusals on the field they name."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.billing import services
from apps.billing.models import (
    Bill,
    BillingSettings,
    InvoiceRequest,
    Payment,
    Plan,
    PlanAssignment,
    PriceList,
)
from tests import factories
from tests.billing import scenario

pytestmark = pytest.mark.django_db

PARK_PAGES = [
    "/billing/",
    "/billing/settings/",
    "/billing/price-lists/",
    "/billing/price-lists/new/",
    "/billing/plans/",
    "/billing/runs/",
    "/billing/bills/",
    "/billing/payments/",
    "/billing/receivables/",
    "/billing/receivables/?export=xlsx",
    "/billing/invoices/",
    "/billing/enterprises/",
]


@pytest.fixture
def billing(frozen_clock, enterprise_a, enterprise_b):
    return scenario.issued_bills(enterprise_a, enterprise_b)


@pytest.fixture
def finance_client(park_client, billing):
    park_client.force_login(billing.finance)
    return park_client


def _detail_pages(billing) -> list[str]:
    return [
        f"/billing/bills/{billing.bill_a.pk}/",
        f"/billing/bills/{billing.bill_a.pk}/pdf/",
        f"/billing/price-lists/{billing.price_list.pk}/",
        f"/billing/enterprises/{billing.bill_a.enterprise_id}/",
    ]


# ---------------------------------------------------------------- who sees what


@pytest.mark.parametrize("role", ["park_finance", "park_admin", "park_auditor"])
def test_park_pages_render_for_the_park_billing_roles(park_client, billing, role):
    park_client.force_login(factories.user(f"billing_{role}", park_role=role))
    for url in [*PARK_PAGES, *_detail_pages(billing)]:
        if role == "park_auditor" and url.endswith("/new/"):
            assert park_client.get(url).status_code == 403, url
            continue
        response = park_client.get(url)
        assert response.status_code == 200, url


def test_park_pages_refuse_other_roles_and_anonymous(park_client, billing, admin_a):
    for url in [*PARK_PAGES, *_detail_pages(billing)]:
        response = park_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    park_client.force_login(factories.user("billing_operator", park_role="park_operator"))
    for url in [*PARK_PAGES, *_detail_pages(billing)]:
        assert park_client.get(url).status_code == 403, url
    park_client.force_login(admin_a)
    for url in [*PARK_PAGES, *_detail_pages(billing)]:
        assert park_client.get(url).status_code == 403, url


def test_the_auditor_reads_and_changes_nothing(park_client, billing, park_auditor):
    park_client.force_login(park_auditor)
    response = park_client.post("/billing/settings/", {"vat_rate": "9"})
    assert response.status_code == 403
    response = park_client.post(f"/billing/bills/{billing.bill_a.pk}/credit/", {"reason": "试"})
    assert response.status_code == 403
    assert BillingSettings.load().vat_rate == Decimal("6.00")
    page = park_client.get(f"/billing/bills/{billing.bill_a.pk}/").content.decode()
    assert f"/billing/bills/{billing.bill_a.pk}/credit/" not in page
    assert f"/billing/bills/{billing.bill_a.pk}/pdf/" in page


def test_menu_entry_by_role(park_client, tenant_client, billing, enterprise_a, member_a, admin_a):
    park_client.force_login(billing.finance)
    assert 'href="/billing/"' in park_client.get("/").content.decode()
    client = tenant_client(enterprise_a)
    client.force_login(scenario.enterprise_finance(enterprise_a))
    assert 'href="/billing/"' in client.get("/").content.decode()
    client.force_login(admin_a)
    assert 'href="/billing/"' in client.get("/").content.decode()
    client.force_login(member_a)
    assert 'href="/billing/"' not in client.get("/").content.decode()


def test_enterprise_pages_for_its_finance_and_admin_only(
    tenant_client, billing, enterprise_a, enterprise_b, admin_a, member_a, admin_b
):
    bill = billing.bill_a
    pages = [
        "/billing/",
        f"/billing/bills/{bill.pk}/",
        f"/billing/bills/{bill.pk}/pdf/",
        "/billing/invoices/new/",
    ]
    client = tenant_client(enterprise_a)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for user in (scenario.enterprise_finance(enterprise_a), admin_a):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(member_a)
    for url in pages:
        assert client.get(url).status_code == 403, url
    # another enterprise's administrator, on A's domain and for A's bill on its own domain
    client.force_login(admin_b)
    for url in pages:
        assert client.get(url).status_code in (403, 404), url
    own = tenant_client(enterprise_b)
    own.force_login(admin_b)
    assert own.get(f"/billing/bills/{bill.pk}/").status_code == 404
    assert own.get(f"/billing/bills/{bill.pk}/pdf/").status_code == 404
    assert own.get(f"/billing/bills/{billing.bill_b.pk}/").status_code == 200


def test_enterprise_overview_shows_its_plan_usage_bills_and_balance(tenant_client, billing, enterprise_a):
    client = tenant_client(enterprise_a)
    client.force_login(scenario.enterprise_finance(enterprise_a))
    page = client.get("/billing/").content.decode()
    assert billing.bill_a.number in page
    assert billing.bill_b.number not in page
    assert 'data-kind="registration"' in page and 'role="progressbar"' in page
    assert "¥0.00" in page  # balance


def test_a_draft_is_not_shown_to_the_enterprise(tenant_client, frozen_clock, enterprise_a, admin_a):
    finance = scenario.park_finance()
    scenario.price_list(finance)
    draft, _outcome = services.bill_generate(enterprise=enterprise_a, period=dt.date(2026, 1, 1))
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    assert client.get(f"/billing/bills/{draft.pk}/").status_code == 404
    assert client.get(f"/billing/bills/{draft.pk}/pdf/").status_code == 404
    assert draft.number not in client.get("/billing/").content.decode()


# ---------------------------------------------------------------- park forms


def test_settings_refusal_names_the_field_and_writes_nothing(finance_client):
    data = {
        "vat_rate": "20",
        "payment_terms_days": "15",
        "reminder_days_before": "3",
        "reminder_days_after": "7",
        "suspend_after_days": "30",
        "payee_name": "数智产业园运营管理有限公司",
    }
    page = finance_client.post("/billing/settings/", data).content.decode()
    assert "增值税税率：应在 0% 至 17% 之间" in page
    assert BillingSettings.load().vat_rate == Decimal("6.00")
    data["vat_rate"] = "9"
    response = finance_client.post("/billing/settings/", data)
    assert response.status_code == 302
    assert BillingSettings.load().vat_rate == Decimal("9.00")
    assert BillingSettings.load().payee_name == "数智产业园运营管理有限公司"


def _price_list_post(**extra) -> dict:
    data = {"name": "2026 年 4 月资费", "effective_from": "2026-04-01", "note": ""}
    data.update({"resolution-unit_price": "3", "resolution-free_allowance": "100000"})
    data.update(extra)
    return data


def test_price_list_tier_gap_is_refused_on_the_tier_field(finance_client):
    data = _price_list_post(
        **{
            "registration-tier0-from": "0",
            "registration-tier0-to": "1000",
            "registration-tier0-price": "5",
            "registration-tier1-from": "2000",
            "registration-tier1-price": "2",
        }
    )
    response = finance_client.post("/billing/price-lists/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "标识注册：第 1 档与第 2 档之间有空缺" in page
    assert 'data-kind="registration" class="has-error"' in page
    assert not PriceList.objects.filter(effective_from=dt.date(2026, 4, 1)).exists()


def test_price_list_negative_price_is_refused(finance_client):
    page = finance_client.post(
        "/billing/price-lists/new/", _price_list_post(**{"storage-unit_price": "-1"})
    ).content.decode()
    assert "受限数据存储 单价：不能为负数" in page
    assert not PriceList.objects.filter(effective_from=dt.date(2026, 4, 1)).exists()


def test_price_list_create_and_edit_until_a_bill_uses_it(finance_client, billing):
    data = _price_list_post(
        **{
            "registration-tier0-from": "0",
            "registration-tier0-to": "1000000",
            "registration-tier0-price": "5",
            "registration-tier1-from": "1000000",
            "registration-tier1-price": "2",
        }
    )
    assert finance_client.post("/billing/price-lists/new/", data).status_code == 302
    created = PriceList.objects.get(effective_from=dt.date(2026, 4, 1))
    assert [
        (t.from_quantity, t.to_quantity) for t in created.prices.get(kind="registration").tiers.all()
    ] == [
        (0, 1000000),
        (1000000, None),
    ]
    edit = finance_client.get(f"/billing/price-lists/{created.pk}/").content.decode()
    assert 'value="1000000"' in edit and "price-list-form" in edit
    data["resolution-unit_price"] = "2.5"
    assert finance_client.post(f"/billing/price-lists/{created.pk}/", data).status_code == 302
    assert created.prices.get(kind="resolution").unit_price == Decimal("2.5")
    # the version February's bills used is read-only
    locked = finance_client.get(f"/billing/price-lists/{billing.price_list.pk}/").content.decode()
    assert "price-list-form" not in locked and "不能再修改" in locked


def test_plan_create_and_assign(finance_client, billing, enterprise_a):
    data = {
        "code": "pro",
        "name": "专业套餐",
        "monthly_fee": "2000",
        "resolution_allowance": "5000000",
        "is_active": "on",
    }
    assert finance_client.post("/billing/plans/", data).status_code == 302
    pro = Plan.objects.get(code="pro")
    assert pro.registration_allowance is None and pro.resolution_allowance == 5000000
    response = finance_client.post(
        "/billing/plans/assign/", {"enterprise": enterprise_a.pk, "plan": pro.pk, "next": "enterprise"}
    )
    assert response.status_code == 302
    assignment = PlanAssignment.objects.get(enterprise=enterprise_a, plan=pro)
    assert assignment.effective_from == dt.date(2026, 4, 1)
    page = finance_client.get(f"/billing/enterprises/{enterprise_a.pk}/").content.decode()
    assert "专业套餐" in page and "2026-04" in page
    # refused within the current period, named
    finance_client.post(
        "/billing/plans/assign/", {"enterprise": enterprise_a.pk, "plan": pro.pk, "effective_from": "2026-03"}
    )
    assert "套餐只能从下一个账期（2026-04）起变更" in finance_client.get("/billing/plans/").content.decode()


def test_bill_detail_shows_lines_vat_total_and_words(finance_client, billing):
    bill = Bill.objects.get(pk=billing.bill_a.pk)
    page = finance_client.get(f"/billing/bills/{bill.pk}/").content.decode()
    assert "标识应用培训" in page
    assert "增值税（税率 6%）" in page
    assert f"{bill.vat_amount:,.2f}" in page
    assert f"{bill.total:,.2f}" in page
    assert bill.total_in_words and bill.total_in_words in page
    assert "壹仟贰佰柒拾贰元整" == bill.total_in_words  # 1,200 + 6% VAT


def test_regenerate_and_issue_a_draft_from_its_page(finance_client, billing, enterprise_a):
    draft, _outcome = services.bill_generate(enterprise=enterprise_a, period=dt.date(2026, 1, 1))
    assert finance_client.post(f"/billing/bills/{draft.pk}/regenerate/").status_code == 302
    assert finance_client.post(f"/billing/bills/{draft.pk}/issue/").status_code == 302
    issued = Bill.objects.get(pk=draft.pk)
    assert issued.is_issued and issued.due_date == dt.date(2026, 4, 2)
    # an issued bill is not regenerated: refused with the service's message
    response = finance_client.post(f"/billing/bills/{draft.pk}/regenerate/", follow=True)
    assert "只能重新生成草稿账单" in response.content.decode()


def test_credit_note_with_reason(finance_client, billing):
    bill = billing.bill_a
    page = finance_client.post(f"/billing/bills/{bill.pk}/credit/", {"reason": ""}).content.decode()
    assert "红冲原因" in page and not Bill.objects.filter(credits=bill).exists()
    response = finance_client.post(
        f"/billing/bills/{bill.pk}/credit/",
        {"reason": "培训天数多计一天", "amount": "600", "description": "培训费"},
    )
    assert response.status_code == 302
    note = Bill.objects.get(credits=bill)
    assert note.total == Decimal("-636.00")
    assert Bill.objects.get(pk=bill.pk).credited_amount == Decimal("636.00")
    page = finance_client.get(response["Location"]).content.decode()
    assert "培训天数多计一天" in page and bill.number in page


def test_payment_against_bills_and_duplicate_reference(finance_client, billing):
    bill_a, bill_b = billing.bill_a, billing.bill_b
    form = finance_client.get(f"/billing/payments/?bill={bill_a.pk}").content.decode()
    assert bill_a.number in form and bill_b.number in form
    data = {
        "enterprise": bill_a.enterprise_id,
        "reference": "BOC20260318001",
        "amount": "1000.00",
        "received_on": "2026-03-18",
        "bills": [bill_a.pk],
    }
    assert finance_client.post("/billing/payments/", data).status_code == 302
    assert Bill.objects.get(pk=bill_a.pk).paid_amount == Decimal("1000.00")
    page = finance_client.post("/billing/payments/", data).content.decode()
    assert "银行流水号 BOC20260318001 已登记，不能重复登记" in page
    assert Payment.objects.filter(reference="BOC20260318001").count() == 1
    # a bill of another enterprise is refused, naming the bills field
    data.update(reference="BOC20260318002", bills=[bill_b.pk])
    page = finance_client.post("/billing/payments/", data).content.decode()
    assert f"账单 {bill_b.number} 不是该企业已开出的账单" in page


def test_receivables_ageing_filters_and_export(finance_client, billing, frozen_clock):
    from openpyxl import load_workbook

    frozen_clock.shift(dt.timedelta(days=50))  # due 2026-04-02: now 35 days overdue
    finance_client.force_login(billing.finance)  # the idle session ended meanwhile
    page = finance_client.get("/billing/receivables/").content.decode()
    assert page.count('data-bucket="31_60"') >= 3  # the tile and both rows
    page = finance_client.get("/billing/receivables/?q=Alpha").content.decode()
    assert billing.bill_a.number in page and billing.bill_b.number not in page
    response = finance_client.get("/billing/receivables/?q=Alpha&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("企业", "统一社会信用代码", "账单编号")
    body = [row for row in rows[2:] if row and row[2]]
    assert [row[2] for row in body] == [billing.bill_a.number]
    bill = Bill.objects.get(pk=billing.bill_a.pk)
    assert body[0][5] == 35 and body[0][6] == "31–60 天"
    assert Decimal(str(body[0][10])) == bill.open_amount
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][10])) == bill.open_amount


def test_dashboard_charts_are_inline_svg(finance_client, billing):
    page = finance_client.get("/billing/").content.decode()
    assert page.count("<svg") >= 5
    assert "cdn" not in page.lower()
    assert 'data-testid="collection-rate">0' in page


def test_invoice_request_checked_then_issued_with_pdf(tenant_client, park_client, billing, enterprise_a):
    client = tenant_client(enterprise_a)
    client.force_login(scenario.enterprise_finance(enterprise_a))
    data = {
        "bill": billing.bill_a.pk,
        "invoice_type": "normal",
        "title": enterprise_a.name,
        "taxpayer_number": "91320594MA1N2K8B0X",  # wrong check character
    }
    page = client.post("/billing/invoices/new/", data).content.decode()
    assert "纳税人识别号：不是有效的统一社会信用代码" in page
    assert not InvoiceRequest.objects.exists()
    data["taxpayer_number"] = enterprise_a.credit_code
    assert client.post("/billing/invoices/new/", data).status_code == 302
    request = InvoiceRequest.objects.get()
    park_client.force_login(billing.finance)
    upload = SimpleUploadedFile("fp.pdf", b"%PDF-1.4 fapiao", content_type="application/pdf")
    response = park_client.post(
        f"/billing/invoices/{request.pk}/",
        {
            "action": "issue",
            "invoice_number": "24320000000012345678",
            "invoice_date": "2026-03-18",
            "invoice_file": upload,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "issued" and request.invoice_number == "24320000000012345678"
    home = client.get("/billing/").content.decode()
    assert "24320000000012345678" in home
    download = client.get(f"/billing/invoices/{request.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    # not another enterprise's
    other = tenant_client(billing.bill_b.enterprise)
    other.force_login(factories.member("admin_b2", billing.bill_b.enterprise, role="enterprise_admin"))
    assert other.get(f"/billing/invoices/{request.pk}/file/").status_code == 404


def test_invoice_request_refused_for_a_plain_member(tenant_client, billing, enterprise_a, member_a):
    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    response = client.post(
        "/billing/invoices/new/",
        {
            "bill": billing.bill_a.pk,
            "invoice_type": "normal",
            "title": "x",
            "taxpayer_number": enterprise_a.credit_code,
        },
    )
    assert response.status_code == 403
    assert not InvoiceRequest.objects.exists()


def test_billing_run_page_starts_a_tracked_run(finance_client, billing):
    response = finance_client.post("/billing/runs/", {"period": "2026-03"})
    assert "账期 2026-03 尚未结束，不能计费" in response.content.decode()
    response = finance_client.post("/billing/runs/", {"period": "2026-02"})
    assert response.status_code == 302
    page = finance_client.get(response["Location"]).content.decode()
    assert 'class="task-progress"' in page and "/tasks/" in page
