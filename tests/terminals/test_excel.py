"""Bulk enrolment from Excel through the existing import: public keys in a column; the dry run
checks their format, the applied import issues the credentials (HS_PUBKEY in each record)."""

import pytest
from django.test import TestCase

from apps.audit.models import AuditEntry
from apps.identifiers.models import Identifier
from apps.imports import services as imports
from apps.imports.choices import ImportState
from apps.terminals import keys
from apps.terminals.models import Terminal, TerminalCredential
from tests.imports import files
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

HEADER = ["对象代码", "名称", "设备型号", "制造商", "设备公钥"]


def run_import(version, enterprise, admin, rows):
    job = imports.import_job_create(
        actor=admin,
        enterprise=enterprise,
        template_version=version,
        uploaded_file=upload("terminals.xlsx", files.xlsx([HEADER, *rows])),
        start=False,
    )
    imports.import_job_validate(job=job)
    job.refresh_from_db()
    return job


def test_an_import_under_the_terminal_template_enrols_every_row_with_its_key(
    enterprise_a, admin_a, terminal_version
):
    sm2 = keys.public_key_of(keys.generate_private_key("sm2"))
    p256 = keys.public_key_of(keys.generate_private_key("p256"))
    ed = keys.public_key_of(keys.generate_private_key("ed25519"))
    rows = [
        ["XT1", "终端1", "TH-200", "园区智能", sm2.sm2_raw_hex],
        ["XT2", "终端2", "TH-200", "园区智能", p256.pem],
        ["XT3", "终端3", "TH-300", "园区智能", ed.b64],
        ["XT4", "终端4", "TH-300", "园区智能", ""],  # registered, no credential yet
    ]
    job = run_import(terminal_version, enterprise_a, admin_a, rows)
    assert job.state == ImportState.VALIDATED, job.errors
    job = imports.import_job_confirm(job=job, actor=admin_a, start=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        imports.import_job_apply(job=job)
    assert Identifier.objects.filter(template_version=terminal_version).count() == 4
    credentials = TerminalCredential.objects.filter(terminal__enterprise=enterprise_a)
    assert sorted(c.fingerprint for c in credentials) == sorted(k.fingerprint for k in (sm2, p256, ed))
    assert Terminal.objects.filter(enterprise=enterprise_a).count() == 3
    for credential in credentials:
        record = Identifier.objects.get(pk=credential.terminal.identifier_id).values
        assert {"index": 300, "type": "HS_PUBKEY"}.items() <= next(
            v for v in record if v["type"] == "HS_PUBKEY"
        ).items()
    # running the enrolment again changes nothing
    from apps.terminals.services import terminals_enrol_imported

    assert terminals_enrol_imported(job_id=job.pk) == {"enrolled": 0, "refused": 0}


def test_a_malformed_key_fails_the_dry_run_with_row_and_column(enterprise_a, admin_a, terminal_version):
    job = run_import(terminal_version, enterprise_a, admin_a, [["XT1", "终端1", "TH-200", "园区智能", "not-a-key"]])
    assert job.state == ImportState.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "设备公钥")]
    assert not Identifier.objects.filter(template_version=terminal_version).exists()


def test_a_key_that_passes_the_format_check_but_does_not_parse_is_audited(
    enterprise_a, admin_a, terminal_version
):
    bogus = "04" + "11" * 64  # hex of the right length, not a point on the SM2 curve
    job = run_import(terminal_version, enterprise_a, admin_a, [["XT1", "终端1", "TH-200", "园区智能", bogus]])
    job = imports.import_job_confirm(job=job, actor=admin_a, start=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        imports.import_job_apply(job=job)
    assert not Terminal.objects.exists()
    entry = AuditEntry.objects.get(action="terminal.enrol.refused")
    assert entry.changes["import_job"] == [None, job.pk]
