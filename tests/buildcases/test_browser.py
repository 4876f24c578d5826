"""The case page in a real browser: upload, sign-off, a step with live progress, approval."""

import re

import pytest
from django.db import transaction

from apps.buildcases import services
from apps.buildcases.choices import ItemState, Stage
from apps.tenants.models import Enterprise
from tests import factories
from tests.buildcases.builders import work_manual_items

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_case_page_in_the_browser(
    celery_worker, live_server, live_url, page, park_admin, enterprise_a, tmp_path
):
    case = services.case_create(
        actor=park_admin, title="Alpha 企业节点建设", mode="enterprise", enterprise=enterprise_a
    )
    base = live_url("park.localhost")
    login(page, base, park_admin.username)
    page.goto(f"{base}/buildcases/")
    page.click("text=Alpha 企业节点建设")
    assert page.url.endswith(f"/buildcases/{case.pk}/")

    # Refused while documents are missing; the missing items are named.
    page.click("text=批准进入下一阶段")
    assert "当前阶段还有未完成的必需事项" in page.inner_text(".messages")

    for name in ("建设需求与总体建设思路", "标识解析建设可行性分析报告"):
        doc = tmp_path / f"{name}.pdf"
        doc.write_bytes(b"%PDF-1.4 browser upload")
        row = page.locator("tr[data-item]", has_text=name)
        row.locator("input[type=file]").set_input_files(str(doc))
        row.locator("button", has_text="上传").click()
        page.wait_for_load_state()
        assert page.locator("tr[data-item]", has_text=name).get_attribute("data-state") == ItemState.DONE
    page.click("text=批准进入下一阶段")
    assert page.inner_text("[data-testid=stage]") == "规划"
    assert "批准“需求”阶段，进入“规划”阶段" in page.inner_text("[data-testid=timeline]")

    # Planning's sign-off through its form; then on to 建设 with the service.
    row = page.locator("tr[data-item]", has_text="监测跟踪与保障机制")
    row.locator("input[name=note]").fill("阈值已确认")
    row.locator("button", has_text="签字").click()
    page.wait_for_load_state()
    assert (
        page.locator("tr[data-item]", has_text="监测跟踪与保障机制").get_attribute("data-state")
        == ItemState.DONE
    )
    work_manual_items(case, park_admin)
    services.stage_approve(case=case, actor=park_admin)
    assert case.__class__.objects.get(pk=case.pk).stage == Stage.CONSTRUCTION

    # An automated step: started from the page, the progress bar follows it while it runs and
    # the page reloads with the item done. The step is held on the enterprise's row lock (which
    # provisioning takes) until the page has shown it running: no race with a fast worker.
    page.goto(f"{base}/buildcases/{case.pk}/")
    row = page.locator("tr[data-item]", has_text="开通企业租户")
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise_a.pk)
        row.locator("button", has_text="执行").click()
        page.wait_for_load_state()
        row = page.locator("tr[data-item]", has_text="开通企业租户")
        assert row.get_attribute("data-state") == ItemState.RUNNING
        # The bar is polled live: queued, then running once the worker has the step.
        page.wait_for_selector("tr[data-state=running] .task-progress[data-state=running]", timeout=60_000)
        assert row.locator(".task-progress .percent").inner_text() != "100"
    page.wait_for_selector("tr[data-state=done] >> text=开通企业租户", timeout=60_000)
    row = page.locator("tr[data-item]", has_text="开通企业租户")
    assert re.search(r"管理员 \S+", row.inner_text())
    assert "100" in row.locator(".task-progress .percent").inner_text()
    assert "自动步骤完成：开通企业租户" in page.inner_text("[data-testid=timeline]")
