"""Audit tasks."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.services import audit_chain_verify, audit_write
from apps.tasks.base import TrackedTask


@shared_task(base=TrackedTask, bind=True, name="audit.verify_chain")
def audit_verify_chain(self) -> dict:
    """Recompute the hash chain and record the outcome in the log itself: the entry's
    head hash and count are a checkpoint a later ``audit_verify --expect-head`` compares. The
    entry's actor is this task, and the user who started it."""
    with schema_context(get_public_schema_name()):
        check = audit_chain_verify()
        result = {
            "ok": check.ok,
            "checked": check.checked,
            "head": check.head,
            "count": check.count,
            "bad_id": check.bad.pk if check.bad else None,
        }
        audit_write(
            action="audit.verify",
            object_type="audit.AuditEntry",
            object_id=result["bad_id"] or "",
            changes={key: [None, value] for key, value in result.items()},
            tenant_schema=get_public_schema_name(),
        )
    return result
