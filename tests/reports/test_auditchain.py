"""The audit chain as the reports check it: only the tail after the checkpoint on every report,
the whole chain nightly; tampering before the checkpoint is still caught by the full check and
then shown by every report."""

import pytest
from django.db import connection

from apps.audit.services import audit_write
from apps.reports import selectors, services
from apps.reports.auditchain import audit_chain_check
from apps.reports.models import AuditCheckpoint
from apps.reports.schedule import BEAT_SCHEDULE
from park_portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def write(n: int) -> list:
    return [audit_write(action="test.chain", object_type="test", object_id=i) for i in range(n)]


def tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        # Only a database owner can do this; the test's rollback restores the trigger.
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update_delete")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update_delete")


def test_reports_verify_only_the_entries_since_the_checkpoint(park):
    entries = write(5)
    first = audit_chain_check()  # no checkpoint yet: from the genesis
    assert first.ok and first.mode == "full" and first.last_id == entries[-1].pk
    assert AuditCheckpoint.objects.get().last_id == entries[-1].pk

    later = write(3)
    check = audit_chain_check()
    assert check.ok and check.mode == "incremental"
    assert check.from_id == entries[-1].pk and check.checked == 3 + 1  # the tail and the anchor
    assert AuditCheckpoint.objects.get().last_hash == later[-1].hash
    nothing_new = audit_chain_check()
    assert nothing_new.ok and nothing_new.checked == 1


def test_tampering_before_the_checkpoint_is_caught_by_the_full_check(park):
    entries = write(6)
    audit_chain_check(full=True)
    victim = entries[2]
    tamper("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["篡改", victim.pk])
    write(2)

    # The incremental check only reads the tail: it cannot see this, by design ...
    assert audit_chain_check().ok
    # ... the nightly full check does, names the entry, and keeps the checkpoint where it was.
    checkpoint_before = AuditCheckpoint.objects.get().last_id
    result = services.audit_chain_verify_full()
    assert result["ok"] is False and result["bad_id"] == victim.pk
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.full_ok, checkpoint.full_bad_id) == (False, victim.pk)
    assert checkpoint.last_id == checkpoint_before

    # From then on every report states the failure, though its own tail check passes.
    write(1)
    security = selectors.security_baseline()
    assert security["audit_mode"] == "incremental"
    assert security["audit_ok"] is False and security["audit_bad_id"] == victim.pk
    assert security["audit_full_ok"] is False


def test_tampering_after_the_checkpoint_and_of_the_anchor_fail_the_report_check(park):
    entries = write(4)
    audit_chain_check()
    tail = write(3)
    tamper("UPDATE audit_auditentry SET actor = %s WHERE id = %s", ["mallory", tail[1].pk])
    check = audit_chain_check()
    assert not check.ok and check.bad_id == tail[1].pk
    assert AuditCheckpoint.objects.get().last_id == entries[-1].pk  # not moved past a bad entry

    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    anchor_gone = audit_chain_check()
    assert not anchor_gone.ok and anchor_gone.bad_id == entries[-1].pk
    assert selectors.security_baseline()["audit_ok"] is False


def test_full_check_runs_nightly_as_a_registered_task():
    entry = BEAT_SCHEDULE["reports-audit-chain-verify"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
