"""The board, the case page and its actions, per role and per domain."""

import pytest

from apps.buildcases.choices import ItemState, Stage
from apps.buildcases.models import BuildCase
from tests.buildcases.builders import document, work_manual_items

pytestmark = pytest.mark.django_db


def test_board_groups_cases_by_stage(park_client, park_admin, secondary_case, alpha_case):
    work_manual_items(secondary_case, park_admin)
    from apps.buildcases import services

    services.stage_approve(case=secondary_case, actor=park_admin)
    park_client.force_login(park_admin)
    response = park_client.get("/buildcases/")
    assert response.status_code == 200
    columns = {c["stage"]: [case.title for case in c["cases"]] for c in response.context["columns"]}
    assert columns[Stage.DEMAND] == ["Alpha 企业节点"]
    assert columns[Stage.PLANNING] == ["园区二级节点建设"]
    assert "发起建设案例" in response.content.decode()


def test_start_a_case_with_the_form(park_client, park_admin, enterprise_a):
    park_client.force_login(park_admin)
    response = park_client.post("/buildcases/new/", {"title": "园区企业节点", "mode": "enterprise"})
    assert response.status_code == 200
    assert "企业节点须指定建设主体企业" in response.content.decode()
    response = park_client.post(
        "/buildcases/new/", {"title": "园区企业节点", "mode": "enterprise", "enterprise": enterprise_a.pk}
    )
    case = BuildCase.objects.get(title="园区企业节点")
    assert response.status_code == 302 and response["Location"] == f"/buildcases/{case.pk}/"
    assert case.owner == park_admin and case.stage == Stage.DEMAND and case.items.exists()


def test_case_page_shows_checklist_timeline_and_decision_buttons_to_admins(
    park_client, park_admin, secondary_case
):
    park_client.force_login(park_admin)
    body = park_client.get(f"/buildcases/{secondary_case.pk}/").content.decode()
    assert "标识解析建设可行性分析报告" in body and "创建建设案例" in body
    assert "批准进入下一阶段" in body and "尚未完成的必需事项" in body


def test_only_park_admins_approve_through_the_page(
    park_client, park_admin, park_operator, park_auditor, secondary_case
):
    url = f"/buildcases/{secondary_case.pk}/approve/"
    park_client.force_login(park_operator)
    assert "批准进入下一阶段" not in park_client.get(f"/buildcases/{secondary_case.pk}/").content.decode()
    work_manual_items(secondary_case, park_operator)
    assert park_client.post(url).status_code == 403
    park_client.force_login(park_auditor)
    assert park_client.get("/buildcases/").status_code == 200
    assert park_client.post(url).status_code == 403
    item = secondary_case.items.filter(stage=Stage.DEMAND).first()
    assert park_client.post(f"/buildcases/{secondary_case.pk}/items/{item.pk}/reopen/").status_code == 403
    park_client.force_login(park_admin)
    response = park_client.post(url, {"note": "同意"}, follow=True)
    assert "阶段已批准" in response.content.decode()
    secondary_case.refresh_from_db()
    assert secondary_case.stage == Stage.PLANNING


def test_open_items_are_named_when_approval_is_refused(park_client, park_admin, secondary_case):
    park_client.force_login(park_admin)
    response = park_client.post(f"/buildcases/{secondary_case.pk}/approve/", follow=True)
    assert "当前阶段还有未完成的必需事项" in response.content.decode()
    secondary_case.refresh_from_db()
    assert secondary_case.stage == Stage.DEMAND


def test_send_back_through_the_page(park_client, park_admin, secondary_case):
    from apps.buildcases import services

    work_manual_items(secondary_case, park_admin)
    services.stage_approve(case=secondary_case, actor=park_admin)
    park_client.force_login(park_admin)
    url = f"/buildcases/{secondary_case.pk}/send-back/"
    response = park_client.post(url, {"reason": "可行性报告缺少投资测算", "to_stage": "demand"}, follow=True)
    assert "可行性报告缺少投资测算" in response.content.decode()
    secondary_case.refresh_from_db()
    assert secondary_case.stage == Stage.DEMAND


def test_enterprise_sees_only_its_own_cases(tenant_client, enterprise_a, admin_a, alpha_case, beta_case):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    response = client.get("/buildcases/")
    assert response.status_code == 200
    titles = [case.title for column in response.context["columns"] for case in column["cases"]]
    assert titles == ["Alpha 企业节点"]
    assert client.get(f"/buildcases/{alpha_case.pk}/").status_code == 200
    assert client.get(f"/buildcases/{beta_case.pk}/").status_code == 404
    body = client.get(f"/buildcases/{alpha_case.pk}/").content.decode()
    assert "批准进入下一阶段" not in body and "签字" not in body
    # Decisions are not even routed on the enterprise domain.
    assert client.post(f"/buildcases/{alpha_case.pk}/approve/").status_code == 404


def test_enterprise_users_cannot_use_the_park_board(park_client, admin_a, alpha_case):
    park_client.force_login(admin_a)
    assert park_client.get("/buildcases/").status_code == 403
    assert park_client.get(f"/buildcases/{alpha_case.pk}/").status_code == 403


def test_enterprise_member_uploads_an_artifact_for_its_item(
    tenant_client, enterprise_a, member_a, alpha_case, beta_case
):
    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    item = alpha_case.items.get(name="标识解析建设可行性分析报告")
    response = client.post(
        f"/buildcases/{alpha_case.pk}/items/{item.pk}/upload/", {"file": document("可行性.pdf")}, follow=True
    )
    assert "文档已上传" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.DONE
    artifact = alpha_case.artifacts.get()
    download = client.get(f"/buildcases/{alpha_case.pk}/artifacts/{artifact.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    other = beta_case.items.get(name="标识解析建设可行性分析报告")
    assert (
        client.post(f"/buildcases/{beta_case.pk}/items/{other.pk}/upload/", {"file": document()}).status_code
        == 404
    )


def test_navigation_has_the_board(park_client, park_admin, tenant_client, enterprise_a, member_a):
    park_client.force_login(park_admin)
    assert 'href="/buildcases/"' in park_client.get("/").content.decode()
    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    assert 'href="/buildcases/"' in client.get("/").content.decode()


def test_api_credentials_are_a_revocable_client_whose_key_the_enterprise_admin_sees_once(
    tenant_client, park_client, enterprise_a, park_admin, admin_a, member_a, alpha_case
):
    from rest_framework.authtoken.models import Token

    from apps.audit.models import AuditEntry
    from apps.buildcases import services
    from apps.identifiers.api_clients import api_client_revoke
    from apps.identifiers.models import APIClient

    for _ in range(2):
        for item in work_manual_items(alpha_case, park_admin):
            item.state = ItemState.DONE
            item.save()
        alpha_case = services.stage_approve(case=alpha_case, actor=alpha_case.owner)
    assert alpha_case.stage == Stage.CONSTRUCTION
    step = alpha_case.items.get(automated_step="issue_api_credentials")
    services.step_execute(item_id=step.pk, actor=alpha_case.owner)
    step.refresh_from_db()
    assert step.state == ItemState.DONE, step.error
    client_row = APIClient.objects.get(enterprise=enterprise_a)
    assert client_row.is_active and client_row.user not in (admin_a, member_a)
    assert step.result["user"] == client_row.user.username and step.result["issued_now"] is True
    assert not Token.objects.filter(user=admin_a).exists()  # nobody's own token is handed out
    key = Token.objects.get(user=client_row.user).key
    assert key not in str(step.result)

    page_url = f"/buildcases/{alpha_case.pk}/"
    take_url = f"/buildcases/{alpha_case.pk}/items/{step.pk}/credential/"
    park_client.force_login(park_admin)
    assert key not in park_client.get(page_url).content.decode()

    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    body = client.get(page_url).content.decode()
    assert key not in body and 'data-testid="show-credential"' not in body
    assert client.post(take_url).status_code == 403

    client.force_login(admin_a)
    body = client.get(page_url).content.decode()
    assert key not in body and 'data-testid="show-credential"' in body
    shown = client.post(take_url)
    assert shown.status_code == 200 and key in shown.content.decode()
    assert AuditEntry.objects.filter(action="buildcase.credential_shown", object_id=str(step.pk)).exists()
    # Once only.
    again = client.post(take_url, follow=True).content.decode()
    assert key not in again and "接口密钥已显示过或已过期" in again
    assert 'data-testid="show-credential"' not in client.get(page_url).content.decode()

    # Run again: the active client is kept, no second key. Revoked: a new client and key.
    services.item_reopen(item=step, actor=park_admin)
    services.step_execute(item_id=step.pk, actor=park_admin)
    assert APIClient.objects.filter(enterprise=enterprise_a).count() == 1
    api_client_revoke(actor=admin_a, client=client_row)
    services.item_reopen(item=step, actor=park_admin)
    result = services.step_execute(item_id=step.pk, actor=park_admin)
    new_client = APIClient.objects.get(enterprise=enterprise_a, is_active=True)
    assert new_client.pk != client_row.pk and result["issued_now"] is True
    assert result["client_name"] == f"{client_row.name}-2"
    new_key = Token.objects.get(user=new_client.user).key
    assert new_key in client.post(take_url).content.decode()


def test_evaluation_item_follows_its_report_and_the_page_shows_the_indicators(
    park_client, park_admin, secondary_case
):
    from apps.buildcases import services
    from apps.reports.models import Report

    case = secondary_case
    while case.stage != Stage.EVALUATION:
        for item in work_manual_items(case, park_admin):
            item.state = ItemState.DONE
            item.save()
        case = services.stage_approve(case=case, actor=park_admin)
    step = case.items.get(automated_step="evaluate")
    services.step_start(item=step, actor=park_admin)
    services.step_execute(item_id=step.pk, actor=park_admin)  # what the worker runs
    step.refresh_from_db()
    case.refresh_from_db()
    report = case.evaluation_report
    # Requested is not done: the item waits for the report, following the report's task.
    assert step.state == ItemState.RUNNING and step.task_run_id == report.task_run_id
    assert case.evaluation["required_items_total"] > 0

    park_client.force_login(park_admin)
    page = park_client.get(f"/buildcases/{case.pk}/").content.decode()
    assert 'data-testid="evaluation"' in page and "必需事项完成" in page
    assert f"{case.evaluation['required_items_done']}/{case.evaluation['required_items_total']}" in page
    step.refresh_from_db()
    assert step.state == ItemState.RUNNING  # still generating

    Report.objects.filter(pk=report.pk).update(status="failed", error="字体文件缺失")
    page = park_client.get(f"/buildcases/{case.pk}/").content.decode()
    step.refresh_from_db()
    assert step.state == ItemState.FAILED and "字体文件缺失" in step.error
    assert "评估报告生成失败：字体文件缺失" in page
    assert case.events.filter(kind="step_failed").exists()

    # Retried: a new report; ready → the item is done.
    services.step_start(item=step, actor=park_admin)
    services.step_execute(item_id=step.pk, actor=park_admin)
    case.refresh_from_db()
    assert case.evaluation_report_id != report.pk
    Report.objects.filter(pk=case.evaluation_report_id).update(status="ready")
    assert services.evaluation_settle(item_id=step.pk) == ItemState.DONE
    step.refresh_from_db()
    assert step.state == ItemState.DONE and step.error == ""


def test_step_progress_is_served_through_the_case_on_the_enterprise_domain(
    tenant_client, enterprise_a, enterprise_b, park_admin, member_a, admin_b, alpha_case, beta_case
):
    from apps.buildcases import services

    for _ in range(2):
        work_manual_items(alpha_case, park_admin)
        alpha_case = services.stage_approve(case=alpha_case, actor=park_admin)
    step = alpha_case.items.get(automated_step="allocate_prefix")
    run = services.step_start(item=step, actor=park_admin)  # started on the park domain
    assert run.tenant_id is None

    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    page = client.get(f"/buildcases/{alpha_case.pk}/").content.decode()
    url = f"/buildcases/{alpha_case.pk}/runs/{run.pk}/status/"
    assert f'data-task-run-url="{url}"' in page
    status = client.get(url)
    assert status.status_code == 200
    assert status.json()["state"] == "queued" and status.json()["finished"] is False

    # Only through a case the run belongs to, and only for that case's enterprise.
    assert client.get(f"/buildcases/{alpha_case.pk}/runs/{run.pk + 1000}/status/").status_code == 404
    other = tenant_client(enterprise_b)
    other.force_login(admin_b)
    assert other.get(url).status_code == 404
    assert other.get(f"/buildcases/{beta_case.pk}/runs/{run.pk}/status/").status_code == 404


def test_the_approval_note_is_on_the_timeline_and_in_the_decisions(park_client, park_admin, secondary_case):
    work_manual_items(secondary_case, park_admin)
    park_client.force_login(park_admin)
    park_client.post(f"/buildcases/{secondary_case.pk}/approve/", {"note": "需求论证充分"})
    page = park_client.get(f"/buildcases/{secondary_case.pk}/").content.decode()
    assert "批准“需求”阶段，进入“规划”阶段（需求论证充分）" in page
    decisions = page.split('data-testid="decisions"', 1)[1].split("</table>", 1)[0]
    assert (
        "需求论证充分" in decisions and "批准进入下一阶段" in decisions and park_admin.username in decisions
    )


def test_the_evaluation_reports_progress_is_served_through_its_case_only(
    park_client, park_admin, secondary_case, alpha_case
):
    import datetime as dt

    from apps.reports.models import Report
    from apps.tasks.models import TaskRun

    run = TaskRun.objects.create(task_name="reports.generate", title="评估报告", progress=40)
    report = Report.objects.create(
        kind="park_evaluation",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        task_run=run,
    )
    BuildCase.objects.filter(pk=secondary_case.pk).update(evaluation_report=report)
    assert not secondary_case.items.filter(task_run=run).exists()  # named by the report alone

    park_client.force_login(park_admin)
    status = park_client.get(f"/buildcases/{secondary_case.pk}/runs/{run.pk}/status/")
    assert status.status_code == 200 and status.json()["progress"] == 40
    # Not through a case whose report and items do not name it.
    assert park_client.get(f"/buildcases/{alpha_case.pk}/runs/{run.pk}/status/").status_code == 404
