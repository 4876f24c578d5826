"""Audit entries written by a Celery task on a real worker carry the task and who started it."""

import pytest

from apps.audit.models import AuditEntry
from apps.tasks.base import start_tracked
from apps.tasks.choices import TaskState
from apps.tasks.models import TaskRun
from apps.tasks.tasks import audit_verify_chain
from tests.conftest import wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_audits_as_itself_on_behalf_of_the_user_who_started_it(celery_worker, park_auditor):
    run = start_tracked(audit_verify_chain, title="审计链校验", user=park_auditor)

    def finished():
        row = TaskRun.objects.get(pk=run.pk)
        return row if row.is_finished else None

    row = wait_for(finished)
    assert row.state == TaskState.SUCCEEDED, row.message
    entry = AuditEntry.objects.get(action="audit.verify")
    assert entry.actor == "task:audit.verify_chain"
    assert entry.actor_user_id == park_auditor.pk
    assert entry.request_id == row.celery_id  # the task's id ties the entry to its run
    # The checkpoint it recorded is the chain as it stood just before the entry itself.
    assert entry.changes["ok"] == [None, True]
    assert entry.changes["head"] == [None, entry.prev_hash]
    assert row.result["count"] == AuditEntry.objects.filter(id__lt=entry.pk).count()
