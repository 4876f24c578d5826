"""Tasks of the foundation itself."""

from __future__ import annotations

from celery import shared_task
from django.db import connection
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.services import audit_chain_verify, audit_write
from apps.core.errors import ApplicationError
from apps.tasks.base import TrackedTask


@shared_task(base=TrackedTask, bind=True, name="tasks.tenant_diagnostics")
def tenant_diagnostics(self, expected_schema: str = "") -> dict:
    """Count the rows of every table in the schema the task runs in (read-only, safe to rerun).

    Proves a task queued inside an enterprise runs inside its schema; ``expected_schema``
    makes it refuse to report on any other schema."""
    schema = connection.schema_name
    if expected_schema and schema != expected_schema:
        raise ApplicationError(
            _("任务运行在 %(actual)s，而不是 %(expected)s") % {"actual": schema, "expected": expected_schema}
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for index, table in enumerate(tables, start=1):
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
            self.progress(
                index * 100 // max(1, len(tables)),
                _("已统计 %(n)s / %(total)s 张表") % {"n": index, "total": len(tables)},
            )
    return {"schema": schema, "tables": len(tables), "rows": counts}


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
