"""Billing in a real browser: park finance runs February (the TaskRun bar follows the worker),
issues the enterprise's bill and records its payment; the enterprise's finance member downloads
the bill PDF, whose Chinese text renders with the embedded CJK font."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from apps.billing import services
from apps.billing.models import Bill, Payment
from tests import factories
from tests.billing import scenario
from tests.reports import pdfcheck

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_park_finance_bills_a_month_and_the_enterprise_downloads_its_pdf(
    celery_worker, live_server, live_url, browser, page, frozen_clock, enterprise_a, tmp_path
):
    finance = scenario.park_finance()
    scenario.price_list(finance)
    services.manual_charge_add(
        actor=finance,
        enterprise=enterprise_a,
        period=scenario.PERIOD,
        description="标识应用培训",
        reason="现场培训两天",
        unit_price="1200",
    )
    enterprise_finance = scenario.enterprise_finance(enterprise_a)

    # Park finance runs February by hand and watches the run finish.
    base = live_url("park.localhost")
    login(page, base, finance.username)
    page.goto(f"{base}/billing/runs/")
    page.fill("input[name=period]", "2026-02")
    page.click("[data-testid=run-form] button[type=submit]")
    assert "/billing/runs/" in page.url
    assert page.locator("[data-testid=run-progress]").count() == 1
    page.wait_for_selector("[data-testid=run-state][data-state=succeeded]", timeout=90_000)

    # The draft, then issued from its page.
    page.click("text=查看账单")
    bill = Bill.objects.get(enterprise=enterprise_a, period=scenario.PERIOD)
    page.click(f"tr[data-bill='{bill.number}'] >> text={bill.number}")
    assert "草稿" in page.inner_text("h1")
    page.click("button:has-text('开出账单')")
    assert f"账单 {bill.number} 已开出" in page.inner_text(".messages")
    bill.refresh_from_db()
    assert bill.is_issued and bill.total > 0
    assert page.inner_text("[data-testid=bill-words]") == bill.total_in_words

    # Its payment, recorded with the bank's 流水号 against this bill.
    page.click("text=登记收款")
    page.fill("input[name=reference]", "BOC-20260318-0001")
    assert page.input_value("input[name=amount]") == f"{bill.total:.2f}"
    page.click("[data-testid=payment-form] button[type=submit]")
    assert "已登记收款 BOC-20260318-0001" in page.inner_text(".messages")
    assert Payment.objects.get(reference="BOC-20260318-0001").allocations.get().bill_id == bill.pk
    bill.refresh_from_db()
    assert bill.open_amount == 0

    # The enterprise's finance member, on its own domain, downloads the PDF.
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    enterprise_page = context.new_page()
    try:
        ent_base = live_url(factories.domain_of(enterprise_a))
        login(enterprise_page, ent_base, enterprise_finance.username)
        enterprise_page.goto(f"{ent_base}/billing/")
        row = enterprise_page.locator(f"tr[data-bill='{bill.number}']")
        assert "已结清" in row.inner_text()
        with enterprise_page.expect_download() as download_info:
            row.locator("text=PDF").click()
        target = tmp_path / "bill.pdf"
        download_info.value.save_as(target)
    finally:
        context.close()
    pdf = Path(target).read_bytes()
    text = pdfcheck.text(pdf)
    assert bill.number in text and "价税合计" in text and bill.total_in_words in text
    assert "标识应用培训" in text and enterprise_a.name in text
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert any("CJK" in row for row in rows) and all(" yes " in row for row in rows), fonts
