"""The stand-alone verifier, run as a separate process on a receipt and a key downloaded over HTTP
from a live server: no Django (imports of it are made to fail), no database, no network."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
import requests

from apps.evidence import services
from apps.evidence.services import EvidenceInput
from tests.evidence.conftest import ROOT, register_subject

# Any import of Django in the verifier's process fails.
NO_DJANGO = (
    "import sys, runpy; sys.modules['django'] = None; "
    "sys.argv = ['verify'] + sys.argv[1:]; runpy.run_module('apps.evidence.verify', run_name='__main__')"
)


def verify(*args) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", NO_DJANGO, *map(str, args)], cwd="/", env=env, capture_output=True, text=True
    )


@pytest.mark.django_db(transaction=True)
def test_a_downloaded_receipt_verifies_offline_and_a_changed_file_does_not(
    live_server, enterprise_a, admin_a, tmp_path
):
    subject = register_subject(enterprise_a)
    original = "检测报告 2026-03：合格\n".encode() * 50
    rec = services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=EvidenceInput(
            subject=subject.handle, evidence_type="quality", data=original, filename="report.txt"
        ),
    )
    for n in range(4):  # more leaves, so the proof has steps
        services.evidence_record(
            actor=admin_a,
            enterprise=enterprise_a,
            item=EvidenceInput(subject=subject.handle, evidence_type="other", record={"n": n}),
        )
    park = {"Host": "park.localhost"}
    receipt = requests.get(
        f"{live_server.url}/api/v1/evidence/receipt/", params={"code": rec.code}, headers=park, timeout=30
    )
    assert receipt.status_code == 200, receipt.text
    key = requests.get(f"{live_server.url}/.well-known/evidence-log-key.pem", headers=park, timeout=30)
    assert key.status_code == 200 and "BEGIN PUBLIC KEY" in key.text
    (tmp_path / "receipt.json").write_bytes(receipt.content)
    (tmp_path / "park.pem").write_text(key.text)
    (tmp_path / "report.txt").write_bytes(original)
    (tmp_path / "changed.txt").write_bytes(original.replace("合格".encode(), "不合格".encode()))

    ok = verify(tmp_path / "receipt.json", "--file", tmp_path / "report.txt", "--key", tmp_path / "park.pem")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert (
        ok.stdout.startswith("VALID")
        and "original file: matches" in ok.stdout
        and "given park key" in ok.stdout
    )

    changed = verify(
        tmp_path / "receipt.json", "--file", tmp_path / "changed.txt", "--key", tmp_path / "park.pem"
    )
    assert changed.returncode == 1 and "INVALID" in changed.stdout and "digest" in changed.stdout

    # a receipt whose entry was edited (another digest) no longer leads to the signed root
    body = json.loads(receipt.content)
    entry = json.loads(base64.b64decode(body["entry"]))
    entry["digest"] = "0" * 64
    body["entry"] = base64.b64encode(json.dumps(entry).encode()).decode()
    (tmp_path / "edited.json").write_text(json.dumps(body))
    edited = verify(tmp_path / "edited.json", "--key", tmp_path / "park.pem")
    assert edited.returncode == 1 and "leaf hash" in edited.stdout

    # another key (not the park's) does not verify the tree head
    from apps.terminals import keys

    (tmp_path / "other.pem").write_text(keys.public_key_of(keys.generate_private_key("sm2")).pem)
    other = verify(tmp_path / "receipt.json", "--key", tmp_path / "other.pem")
    assert other.returncode == 1 and "signature" in other.stdout


def test_an_unreadable_receipt_is_reported(tmp_path):
    (tmp_path / "bad.json").write_text("{")
    result = verify(tmp_path / "bad.json")
    assert result.returncode == 2 and "could not be read" in result.stdout
