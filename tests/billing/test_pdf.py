"""The bill PDF: A4, the CJK font embedded, its Chinese text as a reader copies it (pdftotext):
the park's header, the enterprise, the lines, VAT, 价税合计 with 大写金额, how to pay."""

from __future__ import annotations

import subprocess

import pytest

from apps.billing import rendering, services
from apps.billing.models import Bill
from tests.billing import scenario
from tests.reports import pdfcheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing(frozen_clock, enterprise_a, enterprise_b):
    services.billing_settings_update(
        actor=scenario.park_finance(),
        payee_name="测试产业园运营管理有限公司",
        payee_bank="中国银行苏州工业园区支行",
        payee_account="5566 7788 9900",
    )
    return scenario.issued_bills(enterprise_a, enterprise_b)


def _pdffonts_embedded(pdf: bytes, folder) -> bool:
    """poppler's pdffonts: every font listed says emb=yes (a CJK font among them)."""
    path = folder / "bill.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = lines.splitlines()[2:]
    return bool(rows) and any("CJK" in row for row in rows) and all(" yes " in row for row in rows)


def test_bill_pdf_has_the_cjk_font_and_its_chinese_text(billing, tmp_path):
    bill = Bill.objects.get(pk=billing.bill_a.pk)
    pdf = rendering.bill_pdf(bill)
    assert pdf.startswith(b"%PDF-")
    fonts = pdfcheck.embedded_fonts(pdf)
    assert any("PortalCJK" in name for name in fonts), fonts  # the Noto CJK file, by its @font-face
    assert all(fonts.values()), fonts  # every font program embedded
    assert _pdffonts_embedded(pdf, tmp_path)
    text = pdfcheck.text(pdf)
    for expected in (
        "测试产业园",
        "账单",
        bill.number,
        bill.enterprise.name,
        bill.enterprise.credit_code,
        "标识应用培训",
        "增值税（税率 6%）",
        "价税合计",
        "1,272.00",
        "壹仟贰佰柒拾贰元整",
        "付款方式",
        "中国银行苏州工业园区支行",
        "5566 7788 9900",
        "请于 2026-04-02 前付清",
    ):
        assert expected in text, expected
    assert "草稿" not in text
    assert pdfcheck.page_count(pdf) == 1


def test_pdf_page_is_a4(billing):
    from io import BytesIO

    from pypdf import PdfReader

    page = PdfReader(BytesIO(rendering.bill_pdf(billing.bill_a))).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_credit_note_and_draft_pdfs_say_what_they_are(billing, enterprise_a):
    note = services.credit_note_create(actor=billing.finance, bill=billing.bill_a, reason="培训天数多计一天")
    text = pdfcheck.text(rendering.bill_pdf(note))
    assert "红冲账单" in text and "培训天数多计一天" in text and billing.bill_a.number in text
    assert "负壹仟贰佰柒拾贰元整" in text
    assert "付款方式" not in text
    draft, _outcome = services.bill_generate(enterprise=enterprise_a, period=scenario.PERIOD.replace(month=1))
    assert "草稿，仅供核对" in pdfcheck.text(rendering.bill_pdf(draft))


def test_enterprise_downloads_its_bill_pdf(tenant_client, billing, enterprise_a):
    client = tenant_client(enterprise_a)
    client.force_login(scenario.enterprise_finance(enterprise_a))
    response = client.get(f"/billing/bills/{billing.bill_a.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{billing.bill_a.number}.pdf"' in response["Content-Disposition"]
    assert billing.bill_a.number in pdfcheck.text(response.content)


def test_no_cjk_font_means_a_refusal_not_boxes(
    billing, settings, monkeypatch, tmp_path, tenant_client, enterprise_a
):
    """A machine without the CJK font (an empty font folder, as tests/reports simulate it): the
    download is refused with the reason, never a PDF of empty boxes."""
    from apps.core import pdf as core_pdf

    settings.PDF_CJK_FONT_DIR = str(tmp_path)
    monkeypatch.setattr(core_pdf, "FONT_DIRS", [])
    monkeypatch.setattr(core_pdf, "_fontconfig_path", lambda bold: None)
    client = tenant_client(enterprise_a)
    client.force_login(scenario.enterprise_finance(enterprise_a))
    response = client.get(f"/billing/bills/{billing.bill_a.pk}/pdf/")
    assert response.status_code == 503
    assert "未找到中文字体" in response.content.decode()
