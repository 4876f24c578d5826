"""Recording evidence: the evidence code is a registered identifier under the enterprise's prefix,
the content stays in its schema, the entry is in the park's log; refusals leave nothing."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from apps.core.errors import ApplicationError, PermissionDenied
from apps.enterprise_data.services import restricted_context
from apps.evidence import log as evlog
from apps.evidence import merkle, selectors, services
from apps.evidence.models import EvidenceContent, LogEntry
from apps.evidence.services import EvidenceInput
from apps.identifiers.models import Identifier

pytestmark = pytest.mark.django_db


def test_a_record_gets_an_evidence_code_a_leaf_and_stays_in_the_enterprise_schema(
    enterprise_a, admin_a, subject_a, frozen_clock
):
    rec = services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=EvidenceInput(
            subject=subject_a.handle, evidence_type="carbon", record={"co2_t": "12.375", "period": "2026-02"}
        ),
    )
    assert rec.code.startswith("88.101.ALPHA/")
    identifier = Identifier.objects.get(handle=rec.code)
    public = {v["type"]: v["data"]["value"] for v in identifier.values}
    assert public["evidence_digest"] == rec.digest and public["evidence_subject"] == subject_a.handle
    assert public["leaf_index"] == str(rec.leaf_index)
    assert "12.375" not in json.dumps(identifier.values)  # the content never reaches the registry
    # the digest is SM3 of the canonical JSON
    assert rec.digest == evlog.file_digest(b'{"co2_t":"12.375","period":"2026-02"}')
    entry = LogEntry.objects.get(code=rec.code)
    assert json.loads(bytes(entry.entry))["digest"] == rec.digest
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(merkle.hash_function("sm3"), bytes(entry.entry))
    with restricted_context(enterprise_a):
        assert EvidenceContent.objects.get(code=rec.code).leaf_index == rec.leaf_index


def _public_has_content_table() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.evidence_evidencecontent')")
        return cursor.fetchone()[0] is not None


def test_the_content_table_is_not_in_the_public_schema(park):
    assert not _public_has_content_table()


def test_refusals_name_every_field_and_write_nothing(enterprise_a, admin_a, subject_a, subject_b):
    before = (LogEntry.objects.count(), Identifier.objects.count())
    with pytest.raises(ApplicationError) as refused:
        services.evidence_record(
            actor=admin_a,
            enterprise=enterprise_a,
            item=EvidenceInput(subject=subject_b.handle, evidence_type="nope", record="{not json"),
        )
    assert set(refused.value.errors) == {"subject", "evidence_type", "record"}
    with pytest.raises(ApplicationError) as bulk:
        services.evidence_record_many(
            actor=admin_a,
            enterprise=enterprise_a,
            items=[
                EvidenceInput(subject=subject_a.handle, evidence_type="quality", data=b"report"),
                EvidenceInput(subject=subject_a.handle, evidence_type="quality", data=b""),
            ],
        )
    assert "第 2 行 file" in bulk.value.message and "第 1 行" not in bulk.value.message
    assert (LogEntry.objects.count(), Identifier.objects.count()) == before


def test_only_members_record(enterprise_a, admin_b, subject_a):
    with pytest.raises(PermissionDenied):
        services.evidence_record(
            actor=admin_b,
            enterprise=enterprise_a,
            item=EvidenceInput(subject=subject_a.handle, evidence_type="other", data=b"x"),
        )


def test_bulk_appends_consecutive_leaves_and_a_correction_names_the_original(
    enterprise_a, admin_a, subject_a
):
    done = services.evidence_record_many(
        actor=admin_a,
        enterprise=enterprise_a,
        items=[
            EvidenceInput(
                subject=subject_a.handle,
                evidence_type="contract",
                data=f"合同 {n}".encode(),
                filename=f"c{n}.pdf",
            )
            for n in range(3)
        ],
    )
    assert [d.leaf_index for d in done] == list(range(done[0].leaf_index, done[0].leaf_index + 3))
    fixed = services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=EvidenceInput(
            subject=subject_a.handle, evidence_type="contract", data=b"fixed", supersedes=done[1].code
        ),
    )
    assert LogEntry.objects.get(code=fixed.code).supersedes == done[1].code
    view = selectors.public_evidence(code=done[1].code)
    assert view["superseded_by"] == [fixed.code] and view["content"] is None  # contract: not a public type
    log = evlog.park_log()
    assert bytes(log.root) == evlog.tree_root(log, log.size)


def test_entries_and_nodes_refuse_update_and_delete(enterprise_a, admin_a, subject_a):
    from django.db import DatabaseError, transaction

    services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=EvidenceInput(subject=subject_a.handle, evidence_type="other", data=b"x"),
    )
    for statement in ("UPDATE evidence_logentry SET digest = 'x'", "DELETE FROM evidence_logentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
