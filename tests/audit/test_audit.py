"""The audit log: SM3 hash chain, append-only in the database, verify command, auditor pages."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.audit.hashing import sm3_hex
from apps.audit.models import AuditEntry
from apps.audit.services import AuditRecord, audit_verify, audit_write, audit_write_many
from apps.core import request_context

pytestmark = pytest.mark.django_db


def write_three():
    return [
        audit_write(
            action="demo.create",
            object_type="demo.Thing",
            object_id=i,
            object_repr=f"物品 {i}",
            after={"n": i},
        )
        for i in range(3)
    ]


def test_sm3_is_the_national_standard_hash():
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_entries_chain_and_verify(capsys):
    entries = write_three()
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert entries[0].changes == {"n": [None, 0]}
    ok, bad, checked = audit_verify()
    assert ok and bad is None and checked >= 3
    call_command("audit_verify")
    assert "audit chain intact" in capsys.readouterr().out


def test_bulk_entries_continue_the_chain():
    first = audit_write(action="demo.one", object_type="demo.Thing")
    audit_write_many(
        [AuditRecord(action="demo.bulk", object_type="demo.Thing", object_id=i) for i in range(5)]
    )
    bulk = list(AuditEntry.objects.filter(action="demo.bulk").order_by("id"))
    assert bulk[0].prev_hash == first.hash
    assert audit_verify()[0]


def test_actor_comes_from_the_task_context():
    with request_context.acting(
        request_context.ActorContext(actor_label="task:imports.apply", request_id="r1")
    ):
        entry = audit_write(action="demo.task", object_type="demo.Thing")
    assert entry.actor == "task:imports.apply"
    assert entry.request_id == "r1"


def test_tampering_in_sql_is_detected_and_named():
    entries = write_three()
    victim = entries[1]
    with connection.cursor() as cursor:
        # Only a database owner can do this; the rollback at the end of the test restores it.
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update_delete")
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["篡改", victim.pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update_delete")
    ok, bad, _checked = audit_verify()
    assert not ok and bad.pk == victim.pk
    with pytest.raises(CommandError, match=rf"entry #{victim.pk}\b"):
        call_command("audit_verify")


def test_deleting_an_entry_in_sql_breaks_the_chain_at_the_next():
    entries = write_three()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update_delete")
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update_delete")
    ok, bad, _ = audit_verify()
    assert not ok and bad.pk == entries[2].pk


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditentry SET actor = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"],
)
def test_database_refuses_update_and_delete(statement):
    entry = audit_write(action="demo.keep", object_type="demo.Thing")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk, actor=entry.actor).exists()


@pytest.mark.parametrize("statement", ["TRUNCATE audit_auditentry", "TRUNCATE audit_auditentry CASCADE"])
def test_database_refuses_truncate(statement):
    write_three()
    count = AuditEntry.objects.count()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEntry.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_the_test_runners_flush_still_empties_a_test_database():
    audit_write(action="demo.flush", object_type="demo.Thing")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('park.audit_wipe', true)")
        assert cursor.fetchone()[0] == "off"  # the session does not keep the permission


def test_verify_prints_a_checkpoint_that_a_later_run_compares(capsys):
    write_three()
    call_command("audit_verify")
    out = capsys.readouterr().out
    head = out.split("head: ", 1)[1].split()[0]
    count = int(out.split("count: ", 1)[1].split()[0])
    assert head == AuditEntry.objects.latest("id").hash and count == AuditEntry.objects.count()

    audit_write(action="demo.later", object_type="demo.Thing")
    call_command("audit_verify", expect_head=head, expect_count=count)
    assert f"checkpoint found: entry {count}, 1 entries since" in capsys.readouterr().out

    # A log rebuilt without that entry, or with entries removed before it, does not pass.
    with pytest.raises(CommandError, match="not in the audit chain"):
        call_command("audit_verify", expect_head="ab" * 32)
    with pytest.raises(CommandError, match=f"is entry {count}, not entry {count + 1}"):
        call_command("audit_verify", expect_head=head, expect_count=count + 1)


# ---------------------------------------------------------------- auditor pages


def test_auditor_browses_and_filters(frozen_clock, park_client, park_auditor, enterprise_a):
    audit_write(
        action="enterprise.approve",
        object_type="tenants.Enterprise",
        object_id=7,
        actor="alice",
        tenant_schema="public",
    )
    audit_write(
        action="identifier.create",
        object_type="identifiers.Identifier",
        object_id=8,
        actor="bob",
        tenant_schema="ent_alpha",
    )
    park_client.force_login(park_auditor)

    page = park_client.get("/audit/").content.decode()
    assert "enterprise.approve" in page and "identifier.create" in page

    page = park_client.get("/audit/", {"actor": "alice"}).content.decode()
    assert "enterprise.approve" in page and "identifier.create" not in page
    page = park_client.get("/audit/", {"action": "identifier."}).content.decode()
    assert "identifier.create" in page and "enterprise.approve" not in page
    page = park_client.get("/audit/", {"object_type": "identifiers.Identifier"}).content.decode()
    assert "identifier.create" in page and "enterprise.approve" not in page
    page = park_client.get("/audit/", {"tenant": "ent_alpha"}).content.decode()
    assert "identifier.create" in page and "enterprise.approve" not in page

    today = timezone.localdate()
    page = park_client.get("/audit/", {"date_from": today, "date_to": today, "actor": "bob"}).content.decode()
    assert "identifier.create" in page
    yesterday = today - timedelta(days=1)
    page = park_client.get("/audit/", {"date_to": yesterday, "actor": "bob"}).content.decode()
    assert "identifier.create" not in page
    response = park_client.get("/audit/", {"date_from": today, "date_to": yesterday})
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_auditor_sees_entry_detail_with_hashes(park_client, park_auditor):
    entry = audit_write(
        action="demo.detail", object_type="demo.Thing", before={"名称": "旧"}, after={"名称": "新"}
    )
    park_client.force_login(park_auditor)
    page = park_client.get(f"/audit/{entry.pk}/").content.decode()
    assert entry.hash in page and "旧" in page and "新" in page


def test_audit_log_is_paginated(park_client, park_auditor):
    audit_write_many(
        [AuditRecord(action="demo.page", object_type="demo.Thing", object_id=i) for i in range(60)]
    )
    park_client.force_login(park_auditor)
    response = park_client.get("/audit/", {"action": "demo.page"})
    assert response.context["page"].paginator.count == 60
    assert len(response.context["page"].object_list) == 50
    second = park_client.get("/audit/", {"action": "demo.page", "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_only_auditors_and_admins_see_the_log(park_client, park, admin_a):
    park_client.force_login(admin_a)
    assert park_client.get("/audit/").status_code == 403
    from tests.factories import user

    park_client.force_login(user("operator_x", park_role="park_operator"))
    assert park_client.get("/audit/").status_code == 403


def test_http_requests_record_actor_ip_and_request_id(park_client, park_admin):
    from apps.tenants.services import enterprise_apply
    from tests.factories import SPARE_CREDIT_CODES

    enterprise = enterprise_apply(
        name="测试申请有限公司",
        credit_code=SPARE_CREDIT_CODES[1],
        code="SQ01",
        contact_name="王五",
        contact_phone="1",
        contact_email="w@example.com",
    )
    park_client.force_login(park_admin)
    response = park_client.post(
        f"/tenants/{enterprise.pk}/reject/", {"reason": "材料不全"}, REMOTE_ADDR="10.1.2.3"
    )
    entry = AuditEntry.objects.get(action="enterprise.reject", object_id=str(enterprise.pk))
    assert entry.actor == "park_admin" and entry.actor_user_id == park_admin.pk
    assert entry.client_ip == "10.1.2.3"
    assert entry.request_id == response["X-Request-ID"]
