"""The tamper check finds an entry changed and one removed behind the triggers' back (as a
superuser with triggers disabled), names them by index and evidence code, audits it and shows
the park a red alert; parallel appenders never make a gap, a duplicate index or a head over a
tree that is not the stored one."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from apps.audit.models import AuditEntry
from apps.evidence import log as evlog
from apps.evidence import merkle, services
from apps.evidence.choices import AlertKind
from apps.evidence.integrity import log_verify
from apps.evidence.models import EvidenceAlert, LogEntry
from apps.evidence.services import EvidenceInput
from tests import factories
from tests.evidence.conftest import register_subject


def _record_many(actor, enterprise, n):
    subject = register_subject(enterprise)
    return services.evidence_record_many(
        actor=actor,
        enterprise=enterprise,
        items=[
            EvidenceInput(subject=subject.handle, evidence_type="trade", record={"n": i}) for i in range(n)
        ],
    )


def _superuser_sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # triggers off: a superuser can
        cursor.execute(statement, params)
        cursor.execute("SET session_replication_role = origin")


@pytest.mark.django_db
def test_a_changed_and_a_removed_entry_are_found_and_named(enterprise_a, admin_a, park_admin, park_client):
    done = _record_many(admin_a, enterprise_a, 6)
    services.sth_make()
    assert log_verify().ok
    call_command("evidence_verify")  # intact: no error

    changed, removed = done[2], done[4]
    _superuser_sql(
        "UPDATE evidence_logentry SET entry = convert_to(replace(convert_from(entry, 'UTF8'), 'trade', 'other'), 'UTF8') WHERE code = %s",
        [changed.code],
    )
    _superuser_sql("DELETE FROM evidence_logentry WHERE code = %s", [removed.code])

    check = log_verify()
    assert not check.ok
    found = {(p["index"], p["code"], p["problem"]) for p in check.problems}
    assert (changed.leaf_index, changed.code, "changed") in found
    assert (removed.leaf_index, removed.code, "removed") in found
    assert AuditEntry.objects.filter(action="evidence.tamper_found").exists()
    assert EvidenceAlert.objects.filter(kind=AlertKind.TAMPER, resolved=False).exists()
    with pytest.raises(CommandError) as failed:
        call_command("evidence_verify")
    assert f"#{changed.leaf_index} {changed.code}: changed" in str(failed.value)
    assert f"#{removed.leaf_index} {removed.code}: removed" in str(failed.value)
    # the park's dashboard shows it red
    park_client.force_login(park_admin)
    page = park_client.get("/").content.decode()
    assert (
        'data-kpi="evidence-check"' in page
        and "badge err" in page.split('data-kpi="evidence-check"')[1][:300]
    )


@pytest.mark.django_db
def test_an_entry_rewritten_with_its_leaf_hash_is_found_by_its_registry_digest(enterprise_a, admin_a):
    done = _record_many(admin_a, enterprise_a, 4)
    services.sth_make()
    target = LogEntry.objects.get(code=done[1].code)
    forged = bytes(target.entry).replace(done[1].digest.encode(), b"0" * 64)
    leaf = merkle.leaf_hash(merkle.hash_function("sm3"), forged)
    _superuser_sql(
        "UPDATE evidence_logentry SET entry = %s, leaf_hash = %s WHERE id = %s", [forged, leaf, target.pk]
    )
    problems = {(p["index"], p["problem"]) for p in log_verify().problems}
    assert (done[1].leaf_index, "digest_mismatch") in problems
    assert any(
        problem == "root_mismatch" for _i, problem in problems
    )  # and the signed root no longer matches


@pytest.mark.django_db(transaction=True)
def test_parallel_appenders_make_one_gapless_log(park):
    enterprises = [factories.ensure_enterprise("alpha"), factories.ensure_enterprise("beta")]
    admins = [factories.member(f"pa_{e.code}", e, role="enterprise_admin") for e in enterprises]
    subjects = [register_subject(e) for e in enterprises]
    log = evlog.park_log()
    errors: list = []
    heads: list = []

    def recorder(k: int):
        try:
            for i in range(6):
                e = k % 2
                services.evidence_record(
                    actor=admins[e],
                    enterprise=enterprises[e],
                    item=EvidenceInput(
                        subject=subjects[e].handle, evidence_type="other", record={"k": k, "i": i}
                    ),
                )
                if i % 3 == 0:
                    heads.append(services.sth_make())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def batcher(k: int):
        try:
            for i in range(10):
                evlog.append(
                    log=log, entries=[evlog.NewEntry(entry={"batch": k, "i": i, "j": j}) for j in range(7)]
                )
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recorder, args=(k,)) for k in range(4)] + [
        threading.Thread(target=batcher, args=(k,)) for k in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    log.refresh_from_db()
    indices = list(LogEntry.objects.filter(log=log).order_by("index").values_list("index", flat=True))
    assert log.size == 4 * 6 + 4 * 10 * 7
    assert indices == list(range(log.size))  # no gap, no index twice
    assert bytes(log.root) == evlog.tree_root(log, log.size)
    for head in heads:  # every head signed during the race is over the tree as stored
        assert bytes(head.root_hash) == evlog.tree_root(log, head.tree_size)
    assert log_verify().ok


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_tracked_check_task_finds_tampering_on_a_real_worker(celery_worker, park, park_auditor):
    from apps.tasks.base import start_tracked
    from apps.tasks.choices import TaskState
    from apps.tasks.models import TaskRun
    from tests.conftest import wait_for

    alpha = factories.ensure_enterprise("alpha")
    admin = factories.member("tt_admin", alpha, role="enterprise_admin")
    done = _record_many(admin, alpha, 3)
    services.sth_make()
    _superuser_sql("DELETE FROM evidence_logentry WHERE code = %s", [done[1].code])
    from apps.evidence.tasks import verify_task

    run = start_tracked(verify_task, title="存证日志校验", user=park_auditor)
    row = wait_for(lambda: (r := TaskRun.objects.get(pk=run.pk)).is_finished and r)
    assert row.state == TaskState.SUCCEEDED, row.message
    assert row.result["ok"] is False
    assert {"index": done[1].leaf_index, "code": done[1].code, "problem": "removed"} in row.result["problems"]
