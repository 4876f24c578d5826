"""The case timeline: one small function per event type, each writing one CaseEvent row.
Services call these next to audit_write (the audit log keeps the field-level diff)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.buildcases.choices import EventKind
from apps.buildcases.models import BuildCase, CaseEvent, CaseItem


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _write(case: BuildCase, kind: str, message: str, *, actor=None, data: dict | None = None, stage=None):
    return CaseEvent.objects.create(
        case=case, kind=kind, stage=stage or case.stage, message=message, data=data or {}, actor=_user(actor)
    )


def case_created(case: BuildCase, *, actor) -> CaseEvent:
    return _write(
        case,
        EventKind.CREATED,
        _("创建建设案例：%(mode)s，建设主体：%(subject)s")
        % {"mode": case.get_mode_display(), "subject": case.subject_name},
        actor=actor,
    )


def plan_updated(case: BuildCase, *, actor, changes: dict) -> CaseEvent:
    return _write(case, EventKind.PLAN_UPDATED, _("更新监测计划"), actor=actor, data={"changes": changes})


def artifact_uploaded(case: BuildCase, item: CaseItem | None, artifact, *, actor) -> CaseEvent:
    return _write(
        case,
        EventKind.ARTIFACT_UPLOADED,
        _("上传文档《%(file)s》：%(item)s") % {"file": artifact.filename, "item": item.name if item else "-"},
        actor=actor,
        data={"artifact": artifact.pk, "item": item.pk if item else None},
        stage=item.stage if item else None,
    )


def item_signed_off(item: CaseItem, *, actor, note: str) -> CaseEvent:
    message = _("审核签字：%(item)s") % {"item": item.name}
    if note:
        message += f"（{note}）"
    return _write(
        item.case, EventKind.SIGNED_OFF, message, actor=actor, data={"item": item.pk}, stage=item.stage
    )


def item_reopened(item: CaseItem, *, actor, reason: str) -> CaseEvent:
    message = _("重新打开：%(item)s") % {"item": item.name}
    if reason:
        message += f"（{reason}）"
    return _write(
        item.case, EventKind.ITEM_REOPENED, message, actor=actor, data={"item": item.pk}, stage=item.stage
    )


def step_started(item: CaseItem, *, actor, run_id: int) -> CaseEvent:
    return _write(
        item.case,
        EventKind.STEP_STARTED,
        _("开始自动步骤：%(item)s") % {"item": item.name},
        actor=actor,
        data={"item": item.pk, "task_run": run_id},
        stage=item.stage,
    )


def step_succeeded(item: CaseItem, *, summary: str) -> CaseEvent:
    message = _("自动步骤完成：%(item)s") % {"item": item.name}
    if summary:
        message += f"（{summary}）"
    return _write(item.case, EventKind.STEP_SUCCEEDED, message, data={"item": item.pk}, stage=item.stage)


def step_failed(item: CaseItem, *, error: str) -> CaseEvent:
    return _write(
        item.case,
        EventKind.STEP_FAILED,
        _("自动步骤失败：%(item)s：%(error)s") % {"item": item.name, "error": error},
        data={"item": item.pk, "error": error},
        stage=item.stage,
    )


def stage_approved(
    case: BuildCase, *, actor, from_stage: str, to_stage: str | None, from_label: str
) -> CaseEvent:
    if to_stage:
        message = _("批准“%(from)s”阶段，进入“%(to)s”阶段") % {
            "from": from_label,
            "to": case.get_stage_display(),
        }
    else:
        message = _("批准“%(from)s”阶段") % {"from": from_label}
    return _write(
        case,
        EventKind.STAGE_APPROVED,
        message,
        actor=actor,
        data={"from": from_stage, "to": to_stage},
        stage=from_stage,
    )


def stage_sent_back(case: BuildCase, *, actor, from_stage: str, from_label: str, reason: str) -> CaseEvent:
    return _write(
        case,
        EventKind.STAGE_SENT_BACK,
        _("“%(from)s”阶段退回至“%(to)s”：%(reason)s")
        % {"from": from_label, "to": case.get_stage_display(), "reason": reason},
        actor=actor,
        data={"from": from_stage, "to": case.stage, "reason": reason},
        stage=from_stage,
    )


def case_completed(case: BuildCase, *, actor) -> CaseEvent:
    return _write(case, EventKind.COMPLETED, _("建设案例完成"), actor=actor)


def alert_raised(case: BuildCase, *, alert: dict) -> CaseEvent:
    return _write(case, EventKind.ALERT, alert["message"], data=alert)


def alert_cleared(case: BuildCase, *, code: str, message: str) -> CaseEvent:
    return _write(case, EventKind.ALERT_CLEARED, message, data={"code": code})
