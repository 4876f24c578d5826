"""A case from 需求 to 推广 with the automated steps on a real worker, and a failed step
retried once its cause is fixed."""

import pytest
import requests

from apps.buildcases import services
from apps.buildcases.choices import CaseStatus, EventKind, ItemState, Stage
from apps.buildcases.models import BuildCase, CaseItem
from apps.identifiers.models import Prefix
from apps.reports.choices import ReportStatus
from apps.reports.models import Report
from apps.tasks.choices import TaskState
from apps.tasks.models import TaskRun
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.services import enterprise_apply
from tests import factories
from tests.buildcases.builders import work_manual_items
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(item_pk):
    def check():
        item = CaseItem.objects.select_related("task_run").get(pk=item_pk)
        return item if item.state in (ItemState.DONE, ItemState.FAILED) else None

    return check


def run_step(item, actor) -> CaseItem:
    run = services.step_start(item=item, actor=actor)
    item = wait_for(finished(item.pk), timeout=120)
    # The step row is settled inside the task body; its TaskRun is finalised just after it returns.
    wait_for(lambda: TaskRun.objects.get(pk=run.pk).is_finished, timeout=60)
    run.refresh_from_db()
    assert run.state in (TaskState.SUCCEEDED, TaskState.FAILED)
    # Read the step again: the copy from finished() carries its TaskRun as it was when the step
    # settled, before the run was finalised (its state could still read 'running').
    return CaseItem.objects.select_related("task_run").get(pk=item.pk)


def test_enterprise_node_case_from_demand_to_promotion(celery_worker, live_server, park_admin):
    factories.ensure_test_park()
    enterprise = enterprise_apply(
        name="建设测试制造有限公司",
        credit_code=factories.SPARE_CREDIT_CODES[-1],
        code="BUILD6",
        contact_name="李四",
        contact_phone="13900000000",
        contact_email="build6@example.com",
    )
    case = services.case_create(
        actor=park_admin, title="BUILD6 企业节点建设", mode="enterprise", enterprise=enterprise
    )
    probe = f"{live_server.url}/healthz"
    assert requests.get(probe, timeout=5).status_code == 200
    services.plan_update(case=case, actor=park_admin, probe_url=probe)

    for expected in [
        Stage.DEMAND,
        Stage.PLANNING,
        Stage.CONSTRUCTION,
        Stage.MONITORING,
        Stage.EVALUATION,
        Stage.PROMOTION,
    ]:
        case.refresh_from_db()
        assert case.stage == expected
        automated = work_manual_items(case, park_admin)
        for item in automated:
            item = run_step(item, park_admin)
            assert item.state == ItemState.DONE, item.error
            case.refresh_from_db()
            assert case.stage == expected  # a step never moves the stage
        if expected == Stage.CONSTRUCTION:
            enterprise.refresh_from_db()
            assert enterprise.status == EnterpriseStatus.ACTIVE
            prefix = Prefix.objects.get(enterprise=enterprise)
            assert prefix.prefix == "88.101.BUILD6"
            steps = {
                i.automated_step: i.result
                for i in case.items.filter(stage=Stage.CONSTRUCTION)
                if i.automated_step
            }
            assert steps["allocate_prefix"]["prefix"] == "88.101.BUILD6"
            assert steps["sync_prefix"]["outbox_entry"]
            from rest_framework.authtoken.models import Token

            assert Token.objects.filter(user__username=steps["issue_api_credentials"]["user"]).exists()
        if expected == Stage.MONITORING:
            snapshot = case.snapshots.get()
            assert snapshot.probe_ok and snapshot.probe_status == 200
        if expected == Stage.EVALUATION:
            case.refresh_from_db()
            assert case.evaluation["required_items_total"] > 0
            report = BuildCase.objects.get(pk=case.pk).evaluation_report
            assert report is not None
            wait_for(
                lambda pk=report.pk: Report.objects.get(pk=pk).status != ReportStatus.PENDING, timeout=120
            )
            report.refresh_from_db()
            assert report.status == ReportStatus.READY, report.error
            assert report.enterprise_id == enterprise.pk and report.pages >= 1
        services.stage_approve(case=case, actor=park_admin)

    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    kinds = set(case.events.values_list("kind", flat=True))
    assert {
        EventKind.STEP_STARTED,
        EventKind.STEP_SUCCEEDED,
        EventKind.STAGE_APPROVED,
        EventKind.COMPLETED,
    } <= kinds


def test_failed_step_shows_its_error_and_is_retried(
    celery_worker, live_server, park_admin, enterprise_a, closed_port
):
    case = services.case_create(
        actor=park_admin, title="Alpha 监测", mode="enterprise", enterprise=enterprise_a
    )
    services.plan_update(case=case, actor=park_admin, probe_url=f"http://127.0.0.1:{closed_port}/healthz")
    # Straight to 监测: the earlier stages' items are worked elsewhere.
    for _ in range(3):
        for item in work_manual_items(case, park_admin):
            run_step(item, park_admin)
        case = services.stage_approve(case=case, actor=park_admin)
    assert case.stage == Stage.MONITORING
    work_manual_items(case, park_admin)
    step = case.items.get(automated_step="monitoring_snapshot")

    step = run_step(step, park_admin)
    assert step.state == ItemState.FAILED
    assert "解析服务探测失败" in step.error and "127.0.0.1" in step.error
    assert step.task_run.state == TaskState.FAILED
    assert case.events.filter(kind=EventKind.STEP_FAILED).exists()
    with pytest.raises(services.ApplicationError) as exc:
        services.stage_approve(case=case, actor=park_admin)
    assert exc.value.errors["items"] == ["节点指标监测（首次快照）"]

    # Fix the plan's probe address, retry: the step succeeds, the stage still waits for approval.
    services.plan_update(case=case, actor=park_admin, probe_url=f"{live_server.url}/healthz")
    failed_run = step.task_run_id
    step = run_step(step, park_admin)
    assert step.state == ItemState.DONE and step.error == ""
    assert step.task_run_id != failed_run and step.task_run.state == TaskState.SUCCEEDED
    case.refresh_from_db()
    assert case.stage == Stage.MONITORING
    assert services.stage_approve(case=case, actor=park_admin).stage == Stage.EVALUATION


def test_the_beat_snapshot_is_a_tracked_task(celery_worker, park_admin, secondary_case, closed_port):
    from apps.buildcases.tasks import monitor_snapshots_task

    services.plan_update(case=secondary_case, actor=park_admin, probe_url=f"http://127.0.0.1:{closed_port}/")
    BuildCase.objects.filter(pk=secondary_case.pk).update(stage=Stage.MONITORING)

    monitor_snapshots_task.delay()  # as beat sends it: no TaskRun of its own
    run = wait_for(
        lambda: TaskRun.objects.filter(
            task_name="buildcases.monitor_snapshots", state=TaskState.SUCCEEDED
        ).first(),
        timeout=120,
    )
    assert run.result["cases"] == 1 and run.result["failed"] == 0
    assert run.progress == 100 and "1" in run.message
    assert secondary_case.snapshots.count() == 1
