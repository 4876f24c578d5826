"""Demo build cases at different stages (called by ``manage.py load_demo``; idempotent: a
case whose title exists is left as it is)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from apps.buildcases import services
from apps.buildcases.choices import CompletionKind, ItemState, Stage
from apps.buildcases.models import BuildCase

PARK_CASE = "数智产业园二级节点建设"
ENTERPRISE_CASE = "智联精密企业节点建设"
BACKBONE_CASE = "数智产业园星火·链网骨干节点"


def _document(name: str) -> ContentFile:
    body = f"{name}\n（演示文档）\n".encode()
    return ContentFile(body, name=f"{name}.txt")


def _work_stage(case: BuildCase, actor, *, run_steps: bool) -> None:
    """Do the current stage's items as users would; automated ones run in-process here
    (the demo has no worker at load time)."""
    case.refresh_from_db()
    for item in case.items.filter(stage=case.stage).exclude(state=ItemState.DONE).order_by("order"):
        if item.completion_kind == CompletionKind.ARTIFACT:
            services.artifact_upload(case=case, item=item, file=_document(item.name[:40]), actor=actor)
        elif item.completion_kind == CompletionKind.SIGNOFF:
            services.item_sign_off(item=item, actor=actor, note="演示：符合要求")
        elif run_steps:
            services.step_execute(item_id=item.pk, actor=actor)


def _advance(case: BuildCase, actor, *, to: str, run_steps: bool = True) -> BuildCase:
    while case.stage != to:
        _work_stage(case, actor, run_steps=run_steps)
        case = services.stage_approve(case=case, actor=actor, note="演示：同意进入下一阶段")
    return case


def load(stdout) -> None:
    from apps.accounts.models import User
    from apps.tenants.models import Enterprise

    admin = User.objects.filter(park_role="park_admin").order_by("pk").first()
    if admin is None:
        stdout.write("buildcases demo: no park administrator, skipped")
        return
    services.checklist_defaults_load()
    created = 0
    if not BuildCase.objects.filter(title=PARK_CASE).exists():
        case = services.case_create(
            actor=admin,
            title=PARK_CASE,
            mode="secondary",
            description="园区型二级节点：面向园区企业的公共服务能力",
        )
        _advance(case, admin, to=Stage.PLANNING)
        created += 1
    enterprise = Enterprise.objects.filter(code__iexact="ZLJM").first()
    if enterprise is not None and not BuildCase.objects.filter(title=ENTERPRISE_CASE).exists():
        case = services.case_create(
            actor=admin, title=ENTERPRISE_CASE, mode="enterprise", enterprise=enterprise
        )
        # Up to 监测: its first snapshot waits for the running portal (it resolves under the prefix).
        _advance(case, admin, to=Stage.MONITORING)
        _work_stage(case, admin, run_steps=False)
        created += 1
    if not BuildCase.objects.filter(title=BACKBONE_CASE).exists():
        services.case_create(actor=admin, title=BACKBONE_CASE, mode="backbone")
        created += 1
    stdout.write(f"buildcases demo: {created} new cases" if created else "buildcases demo: already loaded")
