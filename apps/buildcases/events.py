"""The case timeline: one small function per event type, each writing one CaseEvent row.
Services call these next to audit_write (the audit log keeps the field-level diff).

Each row keeps its message as a key and parameters (``data["msg"]``, see apps.buildcases.messages)
so the timeline is shown in the reader's language; ``message`` keeps the text as written."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from apps.buildcases.choices import EventKind
from apps.buildcases.messages import bilingual, choice, msg, render
from apps.buildcases.models import BuildCase, CaseEvent, CaseItem


def acting_user(actor):
    """The signed-in user behind an action, or None (a task or command acting for nobody)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _item(item: CaseItem | None) -> dict | str:
    return bilingual(item.name, item.name_en) if item is not None else "-"


def _write(case: BuildCase, kind: str, message: dict, *, actor=None, data: dict | None = None, stage=None):
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        stage=stage or case.stage,
        message=render(message),
        data={**(data or {}), "msg": message},
        actor=acting_user(actor),
    )


def _subject(case: BuildCase) -> dict | str:
    return str(case.enterprise) if case.enterprise_id else msg(gettext_noop("园区"))


def case_created(case: BuildCase, *, actor) -> CaseEvent:
    return _write(
        case,
        EventKind.CREATED,
        msg(
            gettext_noop("创建建设案例：%(mode)s，建设主体：%(subject)s"),
            mode=choice("mode", case.mode),
            subject=_subject(case),
        ),
        actor=actor,
    )


def plan_updated(case: BuildCase, *, actor, changes: dict) -> CaseEvent:
    return _write(
        case,
        EventKind.PLAN_UPDATED,
        msg(gettext_noop("更新监测计划")),
        actor=actor,
        data={"changes": changes},
    )


def artifact_uploaded(case: BuildCase, item: CaseItem | None, artifact, *, actor) -> CaseEvent:
    return _write(
        case,
        EventKind.ARTIFACT_UPLOADED,
        msg(gettext_noop("上传文档《%(file)s》：%(item)s"), file=artifact.filename, item=_item(item)),
        actor=actor,
        data={"artifact": artifact.pk, "item": item.pk if item else None},
        stage=item.stage if item else None,
    )


def item_signed_off(item: CaseItem, *, actor, note: str) -> CaseEvent:
    if note:
        message = msg(gettext_noop("审核签字：%(item)s（%(note)s）"), item=_item(item), note=note)
    else:
        message = msg(gettext_noop("审核签字：%(item)s"), item=_item(item))
    return _write(
        item.case, EventKind.SIGNED_OFF, message, actor=actor, data={"item": item.pk}, stage=item.stage
    )


def item_reopened(item: CaseItem, *, actor, reason: str) -> CaseEvent:
    if reason:
        message = msg(gettext_noop("重新打开：%(item)s（%(reason)s）"), item=_item(item), reason=reason)
    else:
        message = msg(gettext_noop("重新打开：%(item)s"), item=_item(item))
    return _write(
        item.case, EventKind.ITEM_REOPENED, message, actor=actor, data={"item": item.pk}, stage=item.stage
    )


def step_started(item: CaseItem, *, actor, run_id: int) -> CaseEvent:
    return _write(
        item.case,
        EventKind.STEP_STARTED,
        msg(gettext_noop("开始自动步骤：%(item)s"), item=_item(item)),
        actor=actor,
        data={"item": item.pk, "task_run": run_id},
        stage=item.stage,
    )


def step_succeeded(item: CaseItem, *, summary: dict | str | None) -> CaseEvent:
    if summary:
        message = msg(
            gettext_noop("自动步骤完成：%(item)s（%(summary)s）"), item=_item(item), summary=summary
        )
    else:
        message = msg(gettext_noop("自动步骤完成：%(item)s"), item=_item(item))
    return _write(item.case, EventKind.STEP_SUCCEEDED, message, data={"item": item.pk}, stage=item.stage)


def step_failed(item: CaseItem, *, error: str, error_msg: dict | None = None) -> CaseEvent:
    return _write(
        item.case,
        EventKind.STEP_FAILED,
        msg(gettext_noop("自动步骤失败：%(item)s：%(error)s"), item=_item(item), error=error_msg or error),
        data={"item": item.pk, "error": error},
        stage=item.stage,
    )


def stage_approved(
    case: BuildCase, *, actor, from_stage: str, to_stage: str | None, note: str = ""
) -> CaseEvent:
    params: dict = {"from": choice("stage", from_stage)}
    if to_stage:
        params["to"] = choice("stage", to_stage)
    if note:
        params["note"] = note
    keys = {
        (True, False): gettext_noop("批准“%(from)s”阶段，进入“%(to)s”阶段"),
        (True, True): gettext_noop("批准“%(from)s”阶段，进入“%(to)s”阶段（%(note)s）"),
        (False, False): gettext_noop("批准“%(from)s”阶段"),
        (False, True): gettext_noop("批准“%(from)s”阶段（%(note)s）"),
    }
    return _write(
        case,
        EventKind.STAGE_APPROVED,
        msg(keys[(bool(to_stage), bool(note))], **params),
        actor=actor,
        data={"from": from_stage, "to": to_stage, "note": note},
        stage=from_stage,
    )


def stage_sent_back(case: BuildCase, *, actor, from_stage: str, reason: str) -> CaseEvent:
    return _write(
        case,
        EventKind.STAGE_SENT_BACK,
        msg(
            gettext_noop("“%(from)s”阶段退回至“%(to)s”：%(reason)s"),
            **{"from": choice("stage", from_stage), "to": choice("stage", case.stage), "reason": reason},
        ),
        actor=actor,
        data={"from": from_stage, "to": case.stage, "reason": reason},
        stage=from_stage,
    )


def case_completed(case: BuildCase, *, actor) -> CaseEvent:
    return _write(case, EventKind.COMPLETED, msg(gettext_noop("建设案例完成")), actor=actor)


def alert_raised(case: BuildCase, *, alert: dict) -> CaseEvent:
    return _write(case, EventKind.ALERT, alert.get("msg") or alert["message"], data={"code": alert["code"]})


def alert_cleared(case: BuildCase, *, code: str, message: dict) -> CaseEvent:
    return _write(case, EventKind.ALERT_CLEARED, message, data={"code": code})
