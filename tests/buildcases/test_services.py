"""Stage rules, checklist data, send-backs, permissions and monitoring alerts (no worker)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.buildcases import services
from apps.buildcases.choices import CaseStatus, EventKind, ItemState, Stage
from apps.buildcases.models import ChecklistItemDefinition, StageDecision
from apps.core.errors import ApplicationError, PermissionDenied
from tests.buildcases.builders import document, work_manual_items

pytestmark = pytest.mark.django_db


def test_checklists_come_from_the_fixture_and_vary_with_the_mode(secondary_case, alpha_case):
    def names(case):
        case.refresh_from_db()
        return [i.name for i in case.items.filter(stage=case.stage)]

    assert names(secondary_case) == names(alpha_case)
    assert "标识解析建设可行性分析报告" in names(secondary_case)
    construction = ChecklistItemDefinition.objects.filter(stage=Stage.CONSTRUCTION)
    secondary = set(construction.filter(mode="secondary").values_list("name", flat=True))
    enterprise = set(construction.filter(mode="enterprise").values_list("name", flat=True))
    backbone = set(construction.filter(mode="backbone").values_list("name", flat=True))
    assert {"专家评审意见", "政府推荐函", "第三方测试报告", "与国家顶级节点对接测试", "许可申请"} <= secondary
    assert {"二级节点匹配", "前缀分配", "开通企业租户", "签发接口凭证"} <= enterprise
    assert {"骨干节点建设方案评审", "骨干节点接入超级节点申请", "与超级节点对接测试"} <= backbone


def test_a_stage_refuses_to_advance_with_open_required_items(secondary_case, park_admin):
    with pytest.raises(ApplicationError) as exc:
        services.stage_approve(case=secondary_case, actor=park_admin)
    assert exc.value.code == "open_items"
    assert set(exc.value.errors["items"]) == {"建设需求与总体建设思路", "标识解析建设可行性分析报告"}
    secondary_case.refresh_from_db()
    assert secondary_case.stage == Stage.DEMAND

    # One document is not enough; the optional item never blocks.
    item = secondary_case.items.get(name="建设需求与总体建设思路")
    services.artifact_upload(case=secondary_case, item=item, file=document(), actor=park_admin)
    with pytest.raises(ApplicationError) as exc:
        services.stage_approve(case=secondary_case, actor=park_admin)
    assert exc.value.errors["items"] == ["标识解析建设可行性分析报告"]

    work_manual_items(secondary_case, park_admin)
    case = services.stage_approve(case=secondary_case, actor=park_admin, note="需求明确")
    assert case.stage == Stage.PLANNING
    assert {i.name for i in case.items.filter(stage=Stage.PLANNING)} >= {"网络、平台、安全、标识建设思路"}
    assert StageDecision.objects.filter(case=case, decision="approved", stage=Stage.DEMAND).exists()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.ARTIFACT_UPLOADED) == 2 and EventKind.STAGE_APPROVED in kinds
    actions = set(AuditEntry.objects.filter(object_id__in=[str(case.pk)]).values_list("action", flat=True))
    assert {"buildcase.create", "buildcase.stage_approve"} <= actions


def test_send_back_needs_a_reason_and_reopens_the_sign_offs(secondary_case, park_admin):
    work_manual_items(secondary_case, park_admin)
    case = services.stage_approve(case=secondary_case, actor=park_admin)
    work_manual_items(case, park_admin)
    signoff = case.items.get(stage=Stage.PLANNING, completion_kind="signoff")
    assert signoff.state == ItemState.DONE

    with pytest.raises(ApplicationError) as exc:
        services.stage_send_back(case=case, actor=park_admin, reason="  ")
    assert exc.value.errors == {"reason": ["请填写退回原因"]}

    case = services.stage_send_back(
        case=case, actor=park_admin, reason="监测阈值未与园区运营方确认", to_stage="planning"
    )
    assert case.stage == Stage.PLANNING
    signoff.refresh_from_db()
    assert signoff.state == ItemState.OPEN
    with pytest.raises(ApplicationError):
        services.stage_approve(case=case, actor=park_admin)
    event = case.events.get(kind=EventKind.STAGE_SENT_BACK)
    assert "监测阈值未与园区运营方确认" in event.message

    # Default target: the previous stage; the document items stay done.
    case = services.stage_send_back(case=case, actor=park_admin, reason="需求需补充")
    assert case.stage == Stage.DEMAND
    assert not case.items.filter(stage=Stage.DEMAND, required=True).exclude(state=ItemState.DONE).exists()
    assert StageDecision.objects.filter(case=case, decision="sent_back").count() == 2


def test_park_edits_to_the_checklist_apply_to_cases_entering_the_stage(secondary_case, park_admin):
    ChecklistItemDefinition.objects.create(
        stage=Stage.PLANNING,
        mode="",
        code="budget",
        name="投资预算",
        completion_kind="artifact",
        required=True,
    )
    ChecklistItemDefinition.objects.filter(code="management_services").update(active=False)
    work_manual_items(secondary_case, park_admin)
    case = services.stage_approve(case=secondary_case, actor=park_admin)
    names = set(case.items.filter(stage=Stage.PLANNING).values_list("name", flat=True))
    assert "投资预算" in names and "管理与服务措施" not in names


def test_only_park_admins_decide_and_operators_work_items(
    secondary_case, park_operator, park_auditor, park_admin
):
    work_manual_items(secondary_case, park_operator)  # operators work items
    with pytest.raises(PermissionDenied):
        services.stage_approve(case=secondary_case, actor=park_operator)
    with pytest.raises(PermissionDenied):
        services.stage_send_back(case=secondary_case, actor=park_operator, reason="x")
    with pytest.raises(PermissionDenied):
        services.case_create(actor=park_auditor, title="x", mode="secondary")
    assert services.stage_approve(case=secondary_case, actor=park_admin).stage == Stage.PLANNING
    signoff = secondary_case.items.get(stage=Stage.PLANNING, completion_kind="signoff")
    with pytest.raises(PermissionDenied):
        services.item_sign_off(item=signoff, actor=park_auditor)


def test_enterprise_users_upload_only_for_their_own_case(alpha_case, beta_case, admin_a, member_a):
    item = alpha_case.items.get(name="建设需求与总体建设思路")
    artifact = services.artifact_upload(
        case=alpha_case, item=item, file=document("需求.docx"), actor=member_a
    )
    assert artifact.uploaded_by == member_a and artifact.size > 0 and len(artifact.sha256) == 64
    other = beta_case.items.get(name="建设需求与总体建设思路")
    with pytest.raises(PermissionDenied):
        services.artifact_upload(case=beta_case, item=other, file=document(), actor=admin_a)
    with pytest.raises(PermissionDenied):
        services.item_sign_off(item=alpha_case.items.get(name="建设需求与总体建设思路"), actor=admin_a)
    with pytest.raises(PermissionDenied):
        services.stage_approve(case=alpha_case, actor=admin_a)


def test_case_rules(park, park_admin, enterprise_a):
    with pytest.raises(ApplicationError) as exc:
        services.case_create(actor=park_admin, title="企业节点", mode="enterprise")
    assert "enterprise" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.case_create(actor=park_admin, title="二级节点", mode="secondary", enterprise=enterprise_a)
    assert "enterprise" in exc.value.errors


def test_whole_case_is_completed_by_approving_promotion(secondary_case, park_admin):
    """Stage by stage with the manual items (automated ones are marked done directly here: the
    worker tests run them for real)."""
    case = secondary_case
    for _stage in Stage:
        for item in work_manual_items(case, park_admin):
            item.state = ItemState.DONE
            item.save()
        case = services.stage_approve(case=case, actor=park_admin)
    assert case.status == CaseStatus.COMPLETED and case.completed_at
    assert case.events.filter(kind=EventKind.COMPLETED).exists()
    with pytest.raises(ApplicationError):
        services.stage_approve(case=case, actor=park_admin)


def test_snapshot_alerts_when_plan_thresholds_are_crossed_and_clears_them(
    frozen_clock, secondary_case, park_admin, closed_port
):
    from apps.sync.models import OutboxEntry, OutboxOperation

    case = services.plan_update(
        case=secondary_case,
        actor=park_admin,
        probe_url=f"http://127.0.0.1:{closed_port}/healthz",
        max_sync_lag_minutes=10,
        max_sync_pending=1,
    )
    assert case.events.filter(kind=EventKind.PLAN_UPDATED).exists()
    old = [
        OutboxEntry.objects.create(operation=OutboxOperation.CREATE, handle=f"88.101.X/{n}") for n in range(2)
    ]
    frozen_clock.shift(dt.timedelta(hours=2))  # two hours later, still pending

    snapshot = services.monitoring_snapshot_take(case=case)
    assert not snapshot.probe_ok and snapshot.probe_error
    assert snapshot.sync_pending == 2 and snapshot.sync_lag_seconds == 7200
    assert {a["code"] for a in snapshot.alerts} == {"availability", "sync_lag", "sync_pending"}
    assert case.events.filter(kind=EventKind.ALERT).count() == 3

    # The same conditions again: no new alert events.
    services.monitoring_snapshot_take(case=case)
    assert case.events.filter(kind=EventKind.ALERT).count() == 3

    OutboxEntry.objects.filter(pk__in=[e.pk for e in old]).update(status="sent")
    snapshot = services.monitoring_snapshot_take(case=case)
    assert {a["code"] for a in snapshot.alerts} == {"availability"}
    cleared = set(case.events.filter(kind=EventKind.ALERT_CLEARED).values_list("data__code", flat=True))
    assert cleared == {"sync_lag", "sync_pending"}


def test_beat_snapshots_every_case_from_monitoring_on(secondary_case, alpha_case, park_admin, closed_port):
    from apps.buildcases.tasks import monitor_snapshots_task
    from park_portal.celery import app

    entry = app.conf.beat_schedule["buildcases-monitor-snapshots"]
    assert entry["task"] == monitor_snapshots_task.name

    for _stage in (Stage.DEMAND, Stage.PLANNING, Stage.CONSTRUCTION):
        for item in work_manual_items(secondary_case, park_admin):
            item.state = ItemState.DONE
            item.save()
        secondary_case = services.stage_approve(case=secondary_case, actor=park_admin)
    services.plan_update(case=secondary_case, actor=park_admin, probe_url=f"http://127.0.0.1:{closed_port}/")
    assert services.monitor_all() == {"cases": 1, "alerts": 1, "failed": 0, "errors": []}
    assert secondary_case.snapshots.count() == 1 and not alpha_case.snapshots.exists()


def test_one_failing_case_does_not_stop_the_periodic_snapshot(
    secondary_case, alpha_case, park_admin, monkeypatch, closed_port
):
    from apps.buildcases.models import BuildCase

    closed = f"http://127.0.0.1:{closed_port}/"
    for case in (secondary_case, alpha_case):
        services.plan_update(case=case, actor=park_admin, probe_url=closed)
    BuildCase.objects.filter(pk__in=[secondary_case.pk, alpha_case.pk]).update(stage=Stage.MONITORING)
    measure = services._indicators

    def broken_for_the_first(case, now):
        if case.pk == min(secondary_case.pk, alpha_case.pk):
            raise RuntimeError("统计表不可读")
        return measure(case, now)

    monkeypatch.setattr(services, "_indicators", broken_for_the_first)
    reported = []
    result = services.monitor_all(progress=lambda percent, message="": reported.append((percent, message)))
    assert result["cases"] == 1 and result["failed"] == 1
    failed = min(secondary_case, alpha_case, key=lambda c: c.pk)
    assert result["errors"] == [{"case": failed.pk, "title": failed.title, "error": "统计表不可读"}]
    other = max(secondary_case, alpha_case, key=lambda c: c.pk)
    assert other.snapshots.count() == 1 and not failed.snapshots.exists()
    assert reported[-1][0] == 100 and failed.title in reported[-1][1]


def _to_construction(case, actor):
    for _stage in (Stage.DEMAND, Stage.PLANNING):
        work_manual_items(case, actor)
        case = services.stage_approve(case=case, actor=actor)
    assert case.stage == Stage.CONSTRUCTION
    return case


def test_only_a_park_admin_provisions_an_enterprise_not_yet_approved(park, park_admin, park_operator):
    from apps.tasks.models import TaskRun
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.services import enterprise_apply
    from tests import factories

    enterprise = enterprise_apply(
        name="待审批制造有限公司",
        credit_code=factories.SPARE_CREDIT_CODES[2],
        code="PEND7",
        contact_name="王五",
        contact_phone="13700000000",
        contact_email="pend7@example.com",
    )
    case = services.case_create(
        actor=park_admin, title="PEND7 企业节点", mode="enterprise", enterprise=enterprise
    )
    case = _to_construction(case, park_admin)
    step = case.items.get(automated_step="provision_tenant")
    runs = TaskRun.objects.count()

    with pytest.raises(PermissionDenied) as exc:
        services.step_start(item=step, actor=park_operator)
    assert "园区管理员" in exc.value.message
    step.refresh_from_db()
    enterprise.refresh_from_db()
    assert step.state == ItemState.OPEN and step.task_run_id is None
    assert enterprise.status == EnterpriseStatus.APPLIED
    assert TaskRun.objects.count() == runs
    assert not case.events.filter(kind=EventKind.STEP_STARTED).exists()

    # Run directly (as a queued step would be): the operator still cannot approve.
    with pytest.raises(PermissionDenied):
        services.step_execute(item_id=step.pk, actor=park_operator)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLIED

    # Other steps stay the operator's; the park admin may start this one.
    run = services.step_start(item=step, actor=park_admin)
    step.refresh_from_db()
    assert step.state == ItemState.RUNNING and step.task_run_id == run.pk


def test_prefix_sync_step_fails_while_the_application_is_stopped_or_rejected(
    alpha_case, park_admin, enterprise_a
):
    from apps.identifiers.models import Prefix
    from apps.sync.models import OutboxEntry, OutboxOperation

    case = _to_construction(alpha_case, park_admin)
    prefix = Prefix.objects.create(prefix="88.101.ALPHA", enterprise=enterprise_a, status="active")
    entry = OutboxEntry.objects.create(
        operation=OutboxOperation.PREFIX_APPLY,
        handle=prefix.prefix,
        status="stopped",
        last_error="连接被拒绝",
    )
    step = case.items.get(automated_step="sync_prefix")

    with pytest.raises(ApplicationError):
        services.step_execute(item_id=step.pk, actor=park_admin)
    step.refresh_from_db()
    assert step.state == ItemState.FAILED
    assert "已停止" in step.error and "连接被拒绝" in step.error and "未提交" in step.error

    OutboxEntry.objects.filter(pk=entry.pk).update(status="sent")
    Prefix.objects.filter(pk=prefix.pk).update(upstream_status="rejected", upstream_message="材料不全")
    with pytest.raises(ApplicationError):
        services.step_execute(item_id=step.pk, actor=park_admin)
    step.refresh_from_db()
    assert step.state == ItemState.FAILED and "驳回" in step.error and "材料不全" in step.error

    Prefix.objects.filter(pk=prefix.pk).update(upstream_status="under_review", upstream_message="")
    result = services.step_execute(item_id=step.pk, actor=park_admin)
    step.refresh_from_db()
    assert step.state == ItemState.DONE
    assert result["upstream_status"] == "under_review" and result["outbox_status"] == "sent"
    assert "审核中" in result["summary"]
    assert OutboxEntry.objects.filter(handle=prefix.prefix).count() == 1


def test_a_step_whose_worker_is_gone_can_be_retried(
    frozen_clock, alpha_case, park_admin, settings, park_client
):
    from apps.tasks.models import TaskRun

    case = _to_construction(alpha_case, park_admin)
    step = case.items.get(automated_step="allocate_prefix")
    first = services.step_start(item=step, actor=park_admin)
    with pytest.raises(ApplicationError) as exc:
        services.step_start(item=step, actor=park_admin)
    assert exc.value.code == "running"

    # The worker took it and died: the run says running, and never finishes.
    TaskRun.objects.filter(pk=first.pk).update(state="running", started_at=timezone.now())
    frozen_clock.shift(dt.timedelta(minutes=5))
    with pytest.raises(ApplicationError):
        services.step_start(item=step, actor=park_admin)  # five minutes is within a step's time
    park_client.force_login(park_admin)
    assert 'data-testid="step-stale"' not in park_client.get(f"/buildcases/{case.pk}/").content.decode()

    settings.BUILDCASE_STEP_STALE_SECONDS = 60
    assert 'data-testid="step-stale"' in park_client.get(f"/buildcases/{case.pk}/").content.decode()
    second = services.step_start(item=step, actor=park_admin)
    step.refresh_from_db()
    assert second.pk != first.pk and step.task_run_id == second.pk and step.state == ItemState.RUNNING
    assert AuditEntry.objects.filter(action="buildcase.step_retry", object_id=str(step.pk)).exists()


def test_loading_the_defaults_again_gives_english_names_only_to_rows_the_park_has_not_renamed(park):
    services.checklist_defaults_load()  # every shipped row present
    kept = ChecklistItemDefinition.objects.get(stage=Stage.PLANNING, code="management_services")
    renamed = ChecklistItemDefinition.objects.exclude(pk=kept.pk).exclude(name_en="").order_by("pk").first()
    english = kept.name_en
    assert english and renamed is not None
    ChecklistItemDefinition.objects.filter(pk=kept.pk).update(name_en="")
    ChecklistItemDefinition.objects.filter(pk=renamed.pk).update(name_en="", name="园区自定的名称")
    loads = AuditEntry.objects.filter(action="buildcase.checklist_load")
    loads_before = loads.count()

    assert services.checklist_defaults_load() == {"created": 0, "updated": 1}
    kept.refresh_from_db()
    renamed.refresh_from_db()
    assert kept.name_en == english
    assert (renamed.name, renamed.name_en) == ("园区自定的名称", "")  # the park's wording is left alone
    assert loads.count() == loads_before + 1
