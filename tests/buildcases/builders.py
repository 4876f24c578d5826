"""Helpers for build-case tests: work a stage's items the way users do, through the services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.buildcases import services
from apps.buildcases.choices import CompletionKind, ItemState
from apps.buildcases.models import BuildCase


def document(name: str = "方案.pdf", body: bytes = b"%PDF-1.4 test document") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def work_manual_items(case: BuildCase, actor, *, only_required: bool = True) -> list:
    """Upload a document for each artifact item and sign each sign-off item of the current
    stage. Returns the automated items left open."""
    case.refresh_from_db()
    automated = []
    for item in case.items.filter(stage=case.stage).exclude(state=ItemState.DONE).order_by("order"):
        if only_required and not item.required:
            continue
        if item.completion_kind == CompletionKind.ARTIFACT:
            services.artifact_upload(
                case=case, item=item, file=document(f"{item.name[:20]}.pdf"), actor=actor
            )
        elif item.completion_kind == CompletionKind.SIGNOFF:
            services.item_sign_off(item=item, actor=actor, note="符合要求")
        else:
            automated.append(item)
    return automated
