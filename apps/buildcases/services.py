"""Writes of build cases: create, plan, checklist work, automated steps, stage decisions,
monitoring snapshots. Every change is written to the timeline (events) and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.services import audit_write
from apps.buildcases import events, permissions, selectors
from apps.buildcases.choices import (
    MONITORED_STAGES,
    STAGE_ORDER,
    BuildMode,
    CaseStatus,
    CompletionKind,
    Decision,
    ItemState,
    Stage,
    stage_index,
)
from apps.buildcases.messages import msg
from apps.buildcases.messages import render as render_message
from apps.buildcases.models import (
    BuildCase,
    CaseArtifact,
    CaseItem,
    ChecklistItemDefinition,
    MonitoringSnapshot,
    StageDecision,
)
from apps.core.errors import ApplicationError, PermissionDenied

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "buildcase_checklists.json"
MAX_ARTIFACT_BYTES = 50 * 1024 * 1024
PROBE_TIMEOUT_SECONDS = 5


def _audit(
    action: str,
    case: BuildCase,
    *,
    before=None,
    after=None,
    actor=None,
    object_type="buildcases.BuildCase",
    object_id=None,
    object_repr=None,
):
    kwargs = {}
    if actor is not None and getattr(actor, "is_authenticated", False):
        kwargs = {"actor": actor.get_username(), "actor_user_id": actor.pk}
    audit_write(
        action=action,
        object_type=object_type,
        object_id=object_id if object_id is not None else case.pk,
        object_repr=object_repr or case.title,
        before=before,
        after=after,
        tenant_schema=get_public_schema_name(),
        **kwargs,
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# ---------------------------------------------------------------- checklist definitions
@transaction.atomic
def checklist_defaults_load(*, overwrite: bool = False) -> dict:
    """Load the checklist definitions shipped in fixtures/buildcase_checklists.json. Rows the
    park already has are kept as edited unless ``overwrite``."""
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    created = updated = 0
    with schema_context(get_public_schema_name()):
        for row in rows:
            fields = dict(row["fields"])
            key = {"stage": fields.pop("stage"), "mode": fields.pop("mode"), "code": fields.pop("code")}
            obj = ChecklistItemDefinition.objects.filter(**key).first()
            if obj is None:
                obj = ChecklistItemDefinition(**key, **fields)
                obj.full_clean()
                obj.save()
                created += 1
            elif overwrite:
                for name, value in fields.items():
                    setattr(obj, name, value)
                obj.full_clean()
                obj.save()
                updated += 1
            elif not obj.name_en and fields.get("name_en") and obj.name == fields.get("name"):
                # English added to the fixture later: given to the rows the park has not renamed.
                obj.name_en = fields["name_en"]
                obj.save(update_fields=["name_en", "updated_at"])
                updated += 1
        if created or updated:
            audit_write(
                action="buildcase.checklist_load",
                object_type="buildcases.ChecklistItemDefinition",
                object_repr=FIXTURE.name,
                after={"created": created, "updated": updated},
                tenant_schema=get_public_schema_name(),
            )
    return {"created": created, "updated": updated}


def _ensure_stage_items(case: BuildCase) -> list[CaseItem]:
    """Copy the stage's current definitions onto the case (kept as copied if the park edits
    the definitions later; new definitions are added when the stage is entered again)."""
    existing = set(case.items.filter(stage=case.stage).values_list("definition_id", flat=True))
    new = [
        CaseItem(
            case=case,
            definition=definition,
            stage=definition.stage,
            name=definition.name,
            name_en=definition.name_en,
            required=definition.required,
            completion_kind=definition.completion_kind,
            automated_step=definition.automated_step,
            order=definition.order,
        )
        for definition in selectors.definitions_for(stage=case.stage, mode=case.mode)
        if definition.pk not in existing
    ]
    return CaseItem.objects.bulk_create(new)


# ---------------------------------------------------------------- cases
@transaction.atomic
def case_create(
    *,
    actor,
    title: str,
    mode: str,
    enterprise=None,
    owner=None,
    started_on: dt.date | None = None,
    target_date: dt.date | None = None,
    description: str = "",
) -> BuildCase:
    _require(permissions.can_work(actor), _("只有园区管理员和运营人员可以发起建设案例"))
    errors: dict[str, list[str]] = {}
    if mode == BuildMode.ENTERPRISE and enterprise is None:
        errors["enterprise"] = [_("企业节点须指定建设主体企业")]
    if mode != BuildMode.ENTERPRISE and enterprise is not None:
        errors["enterprise"] = [_("该建设模式的建设主体是园区，不能指定企业")]
    if enterprise is not None and enterprise.is_park_operator:
        errors["enterprise"] = [_("园区运营方不能作为企业节点的建设主体")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors, code="invalid_case")
    if not ChecklistItemDefinition.objects.exists():
        checklist_defaults_load()
    now = timezone.now()
    case = BuildCase(
        title=(title or "").strip(),
        mode=mode,
        enterprise=enterprise,
        owner=owner or actor,
        started_on=started_on or timezone.localdate(),
        target_date=target_date,
        description=description.strip(),
        stage=Stage.DEMAND,
        stage_entered_at=now,
    )
    try:
        case.full_clean(exclude=["evaluation_report"])
    except Exception as exc:  # ValidationError → the one application error shape
        message_dict = getattr(exc, "message_dict", {"__all__": [str(exc)]})
        errors = {field: [str(m) for m in msgs] for field, msgs in message_dict.items()}
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors, code="invalid_case") from exc
    case.save()
    _ensure_stage_items(case)
    events.case_created(case, actor=actor)
    _audit(
        "buildcase.create",
        case,
        actor=actor,
        after={
            "title": case.title,
            "mode": case.mode,
            "enterprise": enterprise.code if enterprise else None,
            "owner": case.owner.get_username(),
            "stage": case.stage,
        },
    )
    return case


PLAN_FIELDS = ("probe_url", "min_availability", "max_sync_lag_minutes", "max_sync_pending")


@transaction.atomic
def plan_update(*, case: BuildCase, actor, **values) -> BuildCase:
    """The monitoring plan's thresholds (set while planning, adjustable later)."""
    _require(permissions.can_work(actor), _("无权修改监测计划"))
    case = BuildCase.objects.select_for_update().get(pk=case.pk)
    before = {name: getattr(case, name) for name in PLAN_FIELDS}
    for name in PLAN_FIELDS:
        if name in values and values[name] is not None:
            setattr(case, name, values[name])
    case.full_clean(exclude=["evaluation_report"])
    case.save()
    after = {name: getattr(case, name) for name in PLAN_FIELDS}
    changes = {k: [str(before[k]), str(after[k])] for k in PLAN_FIELDS if before[k] != after[k]}
    if changes:
        events.plan_updated(case, actor=actor, changes=changes)
        _audit("buildcase.plan_update", case, actor=actor, before=before, after=after)
    return case


# ---------------------------------------------------------------- checklist work
def _item_for_work(item: CaseItem, *, kind: str) -> CaseItem:
    item = CaseItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    if item.case.status != CaseStatus.ACTIVE:
        raise ApplicationError(_("案例已完成，不能再修改"), code="case_completed")
    if item.stage != item.case.stage:
        raise ApplicationError(_("只能处理当前阶段的检查项"), code="wrong_stage")
    if item.completion_kind != kind:
        raise ApplicationError(
            _("该检查项的完成方式是“%(kind)s”") % {"kind": item.get_completion_kind_display()},
            code="wrong_kind",
        )
    return item


def _mark_done(item: CaseItem, *, actor=None, note: str | None = None, result: dict | None = None) -> None:
    item.state = ItemState.DONE
    item.done_at = timezone.now()
    item.done_by = events.acting_user(actor)
    item.error = ""
    if note is not None:
        item.note = note
    if result is not None:
        item.result = result
    item.save()


@transaction.atomic
def artifact_upload(*, case: BuildCase, item: CaseItem, file, actor) -> CaseArtifact:
    """Attach a document to an artifact item; the item is done once it has a document."""
    item = _item_for_work(item, kind=CompletionKind.ARTIFACT)
    if item.case_id != case.pk:
        raise ApplicationError(_("检查项不属于该案例"), code="wrong_case")
    _require(permissions.can_upload(actor, item.case, item), _("无权为该检查项上传文档"))
    size = getattr(file, "size", None) or 0
    if size <= 0:
        raise ApplicationError(_("文件为空"), errors={"file": [_("文件为空")]}, code="empty_file")
    if size > MAX_ARTIFACT_BYTES:
        raise ApplicationError(
            _("文件不能超过 50 MB"), errors={"file": [_("文件不能超过 50 MB")]}, code="too_large"
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = Path(getattr(file, "name", "") or "document").name[:255]
    artifact = CaseArtifact(
        case=item.case,
        item=item,
        filename=name,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if actor.is_authenticated else None,
    )
    artifact.file.save(name, file, save=False)
    artifact.save()
    before_state = item.state
    _mark_done(item, actor=actor)
    events.artifact_uploaded(item.case, item, artifact, actor=actor)
    _audit(
        "buildcase.artifact_upload",
        item.case,
        actor=actor,
        object_type="buildcases.CaseArtifact",
        object_id=artifact.pk,
        object_repr=name,
        before={"item_state": before_state},
        after={
            "case": item.case.pk,
            "item": item.name,
            "file": name,
            "size": size,
            "sha256": artifact.sha256,
            "item_state": item.state,
        },
    )
    return artifact


@transaction.atomic
def item_sign_off(*, item: CaseItem, actor, note: str = "") -> CaseItem:
    _require(permissions.can_work(actor), _("只有园区管理员和运营人员可以审核签字"))
    item = _item_for_work(item, kind=CompletionKind.SIGNOFF)
    before = item.state
    _mark_done(item, actor=actor, note=note.strip())
    events.item_signed_off(item, actor=actor, note=item.note)
    _audit(
        "buildcase.item_sign_off",
        item.case,
        actor=actor,
        object_type="buildcases.CaseItem",
        object_id=item.pk,
        object_repr=item.name,
        before={"state": before},
        after={"state": item.state, "note": item.note},
    )
    return item


@transaction.atomic
def item_reopen(*, item: CaseItem, actor, reason: str = "") -> CaseItem:
    _require(permissions.can_work(actor), _("无权重新打开检查项"))
    item = CaseItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    if item.case.status != CaseStatus.ACTIVE or item.stage != item.case.stage:
        raise ApplicationError(_("只能处理当前阶段的检查项"), code="wrong_stage")
    if item.state == ItemState.RUNNING and not _run_finished(item):
        raise ApplicationError(_("自动步骤正在执行，请等待结束"), code="running")
    before = item.state
    item.state = ItemState.OPEN
    item.done_at = None
    item.done_by = None
    item.save()
    events.item_reopened(item, actor=actor, reason=reason.strip())
    _audit(
        "buildcase.item_reopen",
        item.case,
        actor=actor,
        object_type="buildcases.CaseItem",
        object_id=item.pk,
        object_repr=item.name,
        before={"state": before},
        after={"state": item.state, "reason": reason.strip()},
    )
    return item


# ---------------------------------------------------------------- automated steps
STEP_STALE_SECONDS = 30 * 60


def step_stale_after() -> dt.timedelta:
    """How long a step's task may go without finishing before it counts as lost (a worker
    killed mid-step never reports back). ``BUILDCASE_STEP_STALE_SECONDS`` overrides it."""
    from django.conf import settings

    return dt.timedelta(seconds=getattr(settings, "BUILDCASE_STEP_STALE_SECONDS", STEP_STALE_SECONDS))


def run_is_stale(run) -> bool:
    if run is None or run.is_finished:
        return False
    return (run.started_at or run.created_at) < timezone.now() - step_stale_after()


def _run_finished(item: CaseItem) -> bool:
    """A step whose task run ended without reporting back, or has run for longer than a step
    can (its worker is gone), may start again."""
    if item.task_run is None:
        return True  # its run was deleted: nothing is running for it
    return item.task_run.is_finished or run_is_stale(item.task_run)


@transaction.atomic
def step_start(*, item: CaseItem, actor):
    """Queue an automated item's step as a tracked task (also the retry of a failed one)."""
    from apps.buildcases.tasks import step_run_task
    from apps.tasks.base import start_tracked

    _require(permissions.can_work(actor), _("只有园区管理员和运营人员可以执行自动步骤"))
    item = _item_for_work(item, kind=CompletionKind.AUTOMATED)
    _require(permissions.can_start_step(actor, item.case, item), _(permissions.PROVISION_REFUSED))
    if item.state == ItemState.RUNNING and not _run_finished(item):
        raise ApplicationError(_("该步骤正在执行"), code="running")
    if item.state == ItemState.DONE:
        raise ApplicationError(_("该步骤已完成；如需重新执行请先重新打开"), code="done")
    retry = item.state in (ItemState.FAILED, ItemState.RUNNING)
    run = start_tracked(step_run_task, item.pk, title=f"{item.case.title} · {item.name}", user=actor)
    before = item.state
    item.state = ItemState.RUNNING
    item.task_run = run
    item.save(update_fields=["state", "task_run"])
    events.step_started(item, actor=actor, run_id=run.pk)
    _audit(
        "buildcase.step_retry" if retry else "buildcase.step_start",
        item.case,
        actor=actor,
        object_type="buildcases.CaseItem",
        object_id=item.pk,
        object_repr=item.name,
        before={"state": before},
        after={"state": item.state, "task_run": run.pk, "step": item.automated_step},
    )
    return run


def step_execute(*, item_id: int, progress: Callable[[int, str], None] | None = None, actor=None) -> dict:
    """Run one item's step (the tracked task calls this). Success marks the item done; a
    failure records its error on the item and re-raises. The stage never moves here."""
    from apps.buildcases import steps

    progress = progress or (lambda percent, message="": None)
    with schema_context(get_public_schema_name()):
        item = CaseItem.objects.select_related("case", "case__enterprise").get(pk=item_id)
        if item.state == ItemState.DONE:
            return dict(item.result)  # delivered twice: nothing to do
        try:
            result = steps.run(item.automated_step, case=item.case, item=item, actor=actor, progress=progress)
        except Exception as exc:
            message = (
                exc.message if isinstance(exc, ApplicationError) else (str(exc) or exc.__class__.__name__)
            )
            step_mark_failed(item_id=item_id, error=message, error_msg=getattr(exc, "payload", None))
            raise
        if result.get("awaiting_report"):
            return _await_report(item_id=item_id, result=result)
        with transaction.atomic():
            item = CaseItem.objects.select_for_update().select_related("case").get(pk=item_id)
            _step_succeeded(item, actor=actor, result=result, audit_extra={"result": result})
        return result


EVALUATION_FOLLOW_SECONDS = 5


def _step_succeeded(item, *, actor, result: dict, audit_extra: dict) -> None:
    """An automated item is done: its state, its timeline event and its audit entry."""
    _mark_done(item, actor=actor, result=result)
    events.step_succeeded(item, summary=result.get("summary_msg") or result.get("summary", ""))
    _audit(
        "buildcase.step_succeed",
        item.case,
        object_type="buildcases.CaseItem",
        object_id=item.pk,
        object_repr=item.name,
        after={"state": item.state, "step": item.automated_step, **audit_extra},
    )


def _await_report(*, item_id: int, result: dict) -> dict:
    """The evaluation item stays running, following its report's generation (its progress is
    the report's task), until evaluation_settle sees the report ready or failed."""
    from apps.buildcases.tasks import evaluation_follow_task
    from apps.reports.models import Report

    with transaction.atomic():
        item = CaseItem.objects.select_for_update().get(pk=item_id)
        run_id = Report.objects.filter(pk=result["report"]).values_list("task_run_id", flat=True).first()
        item.state = ItemState.RUNNING
        item.result = result
        item.task_run_id = run_id or item.task_run_id
        item.save(update_fields=["state", "result", "task_run"])
        transaction.on_commit(
            lambda: evaluation_follow_task.apply_async((item_id,), countdown=EVALUATION_FOLLOW_SECONDS)
        )
    return result


def evaluation_settle(*, item_id: int) -> str:
    """Settle a running evaluation item from its report: done when the report is ready, failed
    with the report's error when it failed. Returns the item's state (running: still waiting).
    Safe to call any number of times (the follow task, the case page)."""
    from apps.reports.choices import ReportStatus
    from apps.reports.models import Report

    with schema_context(get_public_schema_name()), transaction.atomic():
        item = CaseItem.objects.select_for_update().select_related("case").get(pk=item_id)
        if item.state != ItemState.RUNNING or not (item.result or {}).get("awaiting_report"):
            return item.state
        report = Report.objects.filter(pk=item.result.get("report")).first()
        if report is not None and report.status == ReportStatus.PENDING:
            return item.state
        if report is not None and report.status == ReportStatus.READY:
            result = {**item.result, "awaiting_report": False}
            _step_succeeded(item, actor=report.created_by, result=result, audit_extra={"report": report.pk})
            return item.state
        if report is None:
            error_msg = msg(gettext_noop("评估报告已不存在"))
        else:
            error_msg = msg(gettext_noop("评估报告生成失败：%(error)s"), error=report.error or "-")
    step_mark_failed(item_id=item_id, error=render_message(error_msg), error_msg=error_msg)
    return ItemState.FAILED


@transaction.atomic
def step_mark_failed(*, item_id: int, error: str, error_msg: dict | None = None) -> None:
    """``error_msg``: the error's message key and parameters, shown in the reader's language."""
    item = CaseItem.objects.select_for_update().select_related("case").get(pk=item_id)
    item.state = ItemState.FAILED
    item.error = error[:2000]
    item.result = {"error_msg": error_msg} if error_msg else {}
    item.save(update_fields=["state", "error", "result"])
    events.step_failed(item, error=item.error, error_msg=error_msg)
    _audit(
        "buildcase.step_fail",
        item.case,
        object_type="buildcases.CaseItem",
        object_id=item.pk,
        object_repr=item.name,
        after={"state": item.state, "step": item.automated_step, "error": item.error},
    )


# ---------------------------------------------------------------- API credentials
CREDENTIAL_HOLD_SECONDS = 7 * 24 * 3600


def _credential_cache_key(item_id: int) -> str:
    return f"buildcases:credential:{item_id}"


def credential_hold(*, item_id: int, key: str) -> None:
    """Keep a newly issued API key (in the cache, for a week) until the enterprise administrator
    reads it once. The public schema's cache keys: the worker and the enterprise domain share them."""
    from django.core.cache import cache

    with schema_context(get_public_schema_name()):
        cache.set(_credential_cache_key(item_id), key, timeout=CREDENTIAL_HOLD_SECONDS)


def credential_waiting(*, item: CaseItem) -> bool:
    from django.core.cache import cache

    with schema_context(get_public_schema_name()):
        return cache.get(_credential_cache_key(item.pk)) is not None


def credential_take(*, item: CaseItem, actor) -> str:
    """The enterprise administrator reads the API key the step issued: once, then it is gone."""
    from django.core.cache import cache

    item = CaseItem.objects.select_related("case", "case__enterprise").get(pk=item.pk)
    _require(permissions.can_take_credential(actor, item.case), _("只有该企业的管理员可以查看接口密钥"))
    with schema_context(get_public_schema_name()), transaction.atomic():
        key = cache.get(_credential_cache_key(item.pk))
        if key is None or not cache.delete(_credential_cache_key(item.pk)):
            raise ApplicationError(
                _(
                    "接口密钥已显示过或已过期；如已遗失，请在“API 访问”页面停用该客户端，再由园区重新执行此步骤"
                ),
                code="credential_gone",
            )
        _audit(
            "buildcase.credential_shown",
            item.case,
            actor=actor,
            object_type="buildcases.CaseItem",
            object_id=item.pk,
            object_repr=item.name,
            after={"client": item.result.get("client_name", ""), "user": item.result.get("user", "")},
        )
    return key


# ---------------------------------------------------------------- stage decisions
def _blockers(case: BuildCase) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    open_items = selectors.open_required_items(case)
    if open_items:
        errors["items"] = [item.display_name for item in open_items]
    if case.stage == Stage.EVALUATION and case.evaluation_report_id:
        from apps.reports.choices import ReportStatus

        if case.evaluation_report.status != ReportStatus.READY:
            errors["evaluation_report"] = [_("评估报告尚未生成完成")]
    return errors


@transaction.atomic
def stage_approve(*, case: BuildCase, actor, note: str = "") -> BuildCase:
    """A park administrator moves the case to the next stage once the stage's required items
    are done; approving 推广 completes the case."""
    _require(permissions.can_decide(actor), _("只有园区管理员可以审批阶段"))
    case = (
        BuildCase.objects.select_for_update(of=("self",)).select_related("evaluation_report").get(pk=case.pk)
    )
    if case.status != CaseStatus.ACTIVE:
        raise ApplicationError(_("案例已完成"), code="case_completed")
    errors = _blockers(case)
    if errors:
        names = "、".join(errors.get("items", []) + errors.get("evaluation_report", []))
        raise ApplicationError(
            _("当前阶段还有未完成的必需事项：%(names)s") % {"names": names}, errors=errors, code="open_items"
        )
    from_stage = case.stage
    index = stage_index(case.stage)
    now = timezone.now()
    to_stage = STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None
    StageDecision.objects.create(
        case=case,
        stage=from_stage,
        to_stage=to_stage or "",
        decision=Decision.APPROVED,
        reason=note.strip(),
        decided_by=actor,
    )
    before = {"stage": case.stage, "status": case.status}
    if to_stage:
        case.stage = to_stage
        case.stage_entered_at = now
        case.save(update_fields=["stage", "stage_entered_at", "updated_at"])
        _ensure_stage_items(case)
    else:
        case.status = CaseStatus.COMPLETED
        case.completed_at = now
        case.save(update_fields=["status", "completed_at", "updated_at"])
    events.stage_approved(case, actor=actor, from_stage=from_stage, to_stage=to_stage, note=note.strip())
    if not to_stage:
        events.case_completed(case, actor=actor)
    _audit(
        "buildcase.stage_approve",
        case,
        actor=actor,
        before=before,
        after={"stage": case.stage, "status": case.status, "note": note.strip()},
    )
    return case


@transaction.atomic
def stage_send_back(*, case: BuildCase, actor, reason: str, to_stage: str | None = None) -> BuildCase:
    """Send the case back (default: to the previous stage; the current stage to rework it)
    with a reason. The target stage's sign-offs are reopened: they must be given again."""
    _require(permissions.can_decide(actor), _("只有园区管理员可以退回阶段"))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("请填写退回原因"), errors={"reason": [_("请填写退回原因")]}, code="reason_required"
        )
    case = BuildCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise ApplicationError(_("案例已完成"), code="case_completed")
    index = stage_index(case.stage)
    if to_stage is None or to_stage == "":
        to_stage = STAGE_ORDER[max(index - 1, 0)]
    if to_stage not in STAGE_ORDER or stage_index(to_stage) > index:
        raise ApplicationError(
            _("只能退回到当前或之前的阶段"),
            errors={"to_stage": [_("只能退回到当前或之前的阶段")]},
            code="invalid_stage",
        )
    from_stage = case.stage
    StageDecision.objects.create(
        case=case,
        stage=from_stage,
        to_stage=to_stage,
        decision=Decision.SENT_BACK,
        reason=reason,
        decided_by=actor,
    )
    case.stage = to_stage
    case.stage_entered_at = timezone.now()
    case.save(update_fields=["stage", "stage_entered_at", "updated_at"])
    reopened = list(
        case.items.filter(stage=to_stage, completion_kind=CompletionKind.SIGNOFF, state=ItemState.DONE)
    )
    CaseItem.objects.filter(pk__in=[i.pk for i in reopened]).update(
        state=ItemState.OPEN, done_at=None, done_by=None
    )
    _ensure_stage_items(case)
    events.stage_sent_back(case, actor=actor, from_stage=from_stage, reason=reason)
    _audit(
        "buildcase.stage_send_back",
        case,
        actor=actor,
        before={"stage": from_stage},
        after={"stage": to_stage, "reason": reason, "reopened": [i.name for i in reopened]},
    )
    return case


# ---------------------------------------------------------------- monitoring
# Resolved under the case's prefix by the availability probe: a working resolver answers 100
# (not found) for it, or 1 should someone register it. A bare prefix is not a handle (102).
PROBE_SUFFIX = "park-portal-probe"


def probe_handle_for(case: BuildCase) -> str:
    """What the availability probe resolves: a handle under the case enterprise's prefix, else
    under the park's prefix."""
    from apps.identifiers.models import Prefix
    from apps.tenants.models import Park

    with schema_context(get_public_schema_name()):
        prefix = None
        if case.enterprise_id:
            prefix = (
                Prefix.objects.filter(enterprise_id=case.enterprise_id)
                .order_by("pk")
                .values_list("prefix", flat=True)
                .first()
            )
        if prefix is None:
            park = Park.objects.only("country_code", "park_code").first()
            prefix = park.prefix_root if park else "0"
    return f"{prefix}/{PROBE_SUFFIX}"


def probe_url_for(case: BuildCase) -> str:
    """The plan's probe address, else a resolution of the case's prefix through the park's
    Handle REST API (``BUILDCASE_PROBE_URL``: the resolution service's base address, by default
    the park domain)."""
    from urllib.parse import quote

    from django.conf import settings

    if case.probe_url:
        return case.probe_url
    base = (
        getattr(settings, "BUILDCASE_PROBE_URL", "") or f"http://{settings.PARK_DOMAIN}:{settings.PARK_PORT}"
    )
    return f"{base.rstrip('/')}/api/handles/{quote(probe_handle_for(case), safe='/')}"


def _probe(url: str) -> dict:
    """Request the address; a Handle REST API answer counts by its responseCode (1 or 100 is
    up, whatever the HTTP status), any other answer by its HTTP status."""
    import time

    from apps.resolution.resolver import RC_HANDLE_NOT_FOUND, RC_SUCCESS

    # An answer that proves the resolver works: found or, for the probe handle (no record of
    # its own), not found. Errors and anything else mean the service is not resolving.
    resolving_codes = (RC_SUCCESS, RC_HANDLE_NOT_FOUND)
    from urllib.parse import urlsplit, urlunsplit

    import requests

    target, headers = url, {"Accept": "application/json"}
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith(".localhost"):
        # *.localhost is loopback (RFC 6761) as browsers treat it; the resolver here may not
        # know it, so connect to 127.0.0.1 and name the host in the header.
        port = f":{parts.port}" if parts.port else ""
        target = urlunsplit((parts.scheme, f"127.0.0.1{port}", parts.path, parts.query, ""))
        headers["Host"] = f"{host}{port}"
    started = time.monotonic()
    try:
        response = requests.get(target, headers=headers, timeout=PROBE_TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as exc:
        return {"ok": False, "status": None, "ms": None, "error": f"{exc.__class__.__name__}: {exc}"[:1000]}
    ms = int((time.monotonic() - started) * 1000)
    code = None
    if "/api/handles/" in parts.path:
        try:
            body = response.json()
        except ValueError:
            body = None
        code = body.get("responseCode") if isinstance(body, dict) else None
        ok = code in resolving_codes
        if ok:
            error = ""
        elif code is None:
            error = _("不是标识解析应答（HTTP 状态 %(status)s）") % {"status": response.status_code}
        else:
            error = _("解析应答码 %(code)s（HTTP 状态 %(status)s）") % {
                "code": code,
                "status": response.status_code,
            }
    else:
        ok = response.status_code < 400
        error = "" if ok else _("HTTP 状态 %(code)s") % {"code": response.status_code}
    return {"ok": ok, "status": response.status_code, "ms": ms, "error": error, "response_code": code}


def _indicators(case: BuildCase, now) -> tuple[dict, list[dict]]:
    from apps.identifiers.choices import IdentifierStatus
    from apps.identifiers.models import Identifier, Prefix

    notes: list[dict] = []
    identifiers = Identifier.objects.filter(status=IdentifierStatus.ACTIVE)
    prefixes: list[str] = []
    if case.enterprise_id:
        identifiers = identifiers.filter(enterprise_id=case.enterprise_id)
        prefixes = list(
            Prefix.objects.filter(enterprise_id=case.enterprise_id).values_list("prefix", flat=True)
        )
    values = {
        "identifiers": identifiers.count(),
        "resolutions_24h": 0,
        "sync_pending": 0,
        "sync_lag_seconds": 0,
    }
    try:
        from apps.resolution.models import ResolutionStat
    except ImportError:
        notes.append(msg(gettext_noop("解析统计模块不可用，解析量记为 0")))
    else:
        stats = ResolutionStat.objects.filter(hour__gte=now - dt.timedelta(hours=24))
        if case.enterprise_id:
            stats = stats.filter(enterprise_id=case.enterprise_id)
        values["resolutions_24h"] = stats.aggregate(total=Sum("count"))["total"] or 0
    try:
        from apps.sync.models import OutboxEntry, OutboxStatus
    except ImportError:
        notes.append(msg(gettext_noop("同步模块不可用，同步延迟记为 0")))
    else:
        pending = OutboxEntry.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED])
        if case.enterprise_id:
            match = Q(pk__in=[])
            for prefix in prefixes:
                match |= Q(handle__iexact=prefix) | Q(handle__istartswith=f"{prefix}/")
            pending = pending.filter(match)
        values["sync_pending"] = pending.count()
        oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
        values["sync_lag_seconds"] = int((now - oldest).total_seconds()) if oldest else 0
    return values, notes


def _alert(code: str, key: str, **params) -> dict:
    """``message`` as written (older readers), ``msg`` for the reader's language."""
    payload = msg(key, **params)
    return {"code": code, "message": render_message(payload), "msg": payload}


def _alerts(case: BuildCase, snapshot: MonitoringSnapshot) -> list[dict]:
    alerts = []
    if snapshot.availability < case.min_availability:
        alerts.append(
            _alert(
                "availability",
                gettext_noop("解析服务可用性 %(value)s%% 低于计划下限 %(limit)s%%"),
                value=str(snapshot.availability),
                limit=str(case.min_availability),
            )
        )
    if snapshot.sync_lag_seconds > case.max_sync_lag_minutes * 60:
        alerts.append(
            _alert(
                "sync_lag",
                gettext_noop("同步延迟 %(value)s 分钟超过计划上限 %(limit)s 分钟"),
                value=snapshot.sync_lag_seconds // 60,
                limit=case.max_sync_lag_minutes,
            )
        )
    if snapshot.sync_pending > case.max_sync_pending:
        alerts.append(
            _alert(
                "sync_pending",
                gettext_noop("待同步 %(value)s 条超过计划上限 %(limit)s 条"),
                value=snapshot.sync_pending,
                limit=case.max_sync_pending,
            )
        )
    return alerts


ALERT_CLEARED_MESSAGES = {
    "availability": gettext_noop("解析服务可用性恢复到计划下限以上"),
    "sync_lag": gettext_noop("同步延迟恢复到计划上限以内"),
    "sync_pending": gettext_noop("待同步条数恢复到计划上限以内"),
}


def monitoring_snapshot_take(*, case: BuildCase) -> MonitoringSnapshot:
    """Measure the node's indicators, probe the resolution endpoint, and raise an alert event
    for each plan threshold newly crossed (and a cleared event when it is back in bounds)."""
    with schema_context(get_public_schema_name()):
        now = timezone.now()
        values, notes = _indicators(case, now)
        url = probe_url_for(case)
        probe = _probe(url)  # outside any transaction: a slow endpoint holds no lock
        with transaction.atomic():
            case = BuildCase.objects.select_for_update().get(pk=case.pk)
            previous = selectors.latest_snapshot(case)
            window = list(
                case.snapshots.filter(taken_at__gte=now - dt.timedelta(hours=24)).values_list(
                    "probe_ok", flat=True
                )
            ) + [probe["ok"]]
            availability = Decimal(100 * sum(window) / len(window)).quantize(Decimal("0.01"))
            snapshot = MonitoringSnapshot(
                case=case,
                probe_url=url[:500],
                probe_ok=probe["ok"],
                probe_status=probe["status"],
                probe_ms=probe["ms"],
                probe_error=probe["error"],
                availability=availability,
                notes=notes,
                **values,
            )
            snapshot.alerts = _alerts(case, snapshot)
            snapshot.save()
            before = {a["code"] for a in (previous.alerts if previous else [])}
            now_codes = {a["code"] for a in snapshot.alerts}
            for alert in snapshot.alerts:
                if alert["code"] not in before:
                    events.alert_raised(case, alert=alert)
                    _audit("buildcase.alert", case, after=alert)
            for code in sorted(before - now_codes):
                events.alert_cleared(case, code=code, message=msg(ALERT_CLEARED_MESSAGES.get(code, code)))
                _audit("buildcase.alert_clear", case, after={"code": code})
        return snapshot


def monitor_all(*, progress: Callable[[int, str], None] | None = None) -> dict:
    """Beat: one snapshot per active case whose node is built (监测 stage on). A case that fails
    is recorded (log and result) and the others are still measured."""
    import logging

    progress = progress or (lambda percent, message="": None)
    with schema_context(get_public_schema_name()):
        cases = list(BuildCase.objects.filter(status=CaseStatus.ACTIVE, stage__in=MONITORED_STAGES))
        taken = alerts = 0
        errors: list[dict] = []
        for index, case in enumerate(cases):
            try:
                snapshot = monitoring_snapshot_take(case=case)
            except Exception as exc:
                logging.getLogger(__name__).exception("snapshot of build case %s failed", case.pk)
                errors.append(
                    {
                        "case": case.pk,
                        "title": case.title,
                        "error": (str(exc) or exc.__class__.__name__)[:500],
                    }
                )
            else:
                taken += 1
                alerts += len(snapshot.alerts)
            progress(int(100 * (index + 1) / len(cases)), case.title)
        if errors:
            progress(
                100,
                _("已采集 %(taken)s 个案例，%(failed)s 个失败：%(titles)s")
                % {"taken": taken, "failed": len(errors), "titles": "、".join(e["title"] for e in errors)},
            )
        else:
            progress(100, _("已采集 %(taken)s 个案例") % {"taken": taken})
        return {"cases": taken, "alerts": alerts, "failed": len(errors), "errors": errors}
