"""Witness cosigning between two real instances of our node: the second node (own database,
gunicorn on loopback, as tests/sync's upstream) watches this node's log (a live server), checks
each new tree head against the last one it cosigned with a consistency proof, and posts its
cosignature, which our receipts then carry. A rewritten history (a split view) is refused and
raises an alert on both sides."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests
from django.db import connection

from apps.evidence import log as evlog
from apps.evidence import services
from apps.evidence.choices import AlertKind
from apps.evidence.models import Cosignature, EvidenceAlert, LogEntry, SignedTreeHead
from apps.evidence.services import EvidenceInput
from tests.evidence.conftest import ROOT, register_subject
from tests.sync.node import SecondNode, with_db_name


@pytest.fixture(scope="module")
def witness_node(django_db_setup):
    from django.conf import settings

    from tests.conftest import _database_url

    db = settings.DATABASES["default"]
    node = SecondNode(
        with_db_name(_database_url(db), f"{db['NAME']}_witness"), redis_url=settings.REDIS_URL
    ).prepare()
    node.env["PARK_NAME"] = "邻园见证节点"
    node.start()
    yield node
    node.drop()


def _record(actor, enterprise, subject, n: int, tag: str):
    for i in range(n):
        services.evidence_record(
            actor=actor,
            enterprise=enterprise,
            item=EvidenceInput(subject=subject.handle, evidence_type="carbon", record={"tag": tag, "n": i}),
        )


def _poll(node) -> str:
    return node.manage("evidence_witness", "poll").stdout


@pytest.mark.django_db(transaction=True)
def test_a_second_node_cosigns_our_heads_and_refuses_a_split_view(
    witness_node, live_server, enterprise_a, admin_a, tmp_path
):
    witness_key = requests.get(f"{witness_node.url}/.well-known/evidence-log-key.pem", timeout=30).text
    services.witness_add(actor=None, name="邻园节点", public_key=witness_key, url=witness_node.url)
    (tmp_path / "ours.pem").write_text(evlog.park_log().public_key)
    witness_node.manage(
        "evidence_witness",
        "watch",
        "--name",
        "测试产业园",
        "--url",
        live_server.url,
        "--key",
        str(tmp_path / "ours.pem"),
    )

    subject = register_subject(enterprise_a)
    _record(admin_a, enterprise_a, subject, 3, "first")
    first = services.sth_make()
    assert "测试产业园: cosigned" in _poll(witness_node)
    assert Cosignature.objects.filter(sth=first).count() == 1

    _record(admin_a, enterprise_a, subject, 2, "second")
    second = services.sth_make()
    assert "测试产业园: cosigned" in _poll(witness_node)  # consistent with the first: proof checked
    assert Cosignature.objects.filter(sth=second).count() == 1
    assert "测试产业园: unchanged" in _poll(witness_node)

    # the receipt carries the cosignature, and the verifier counts it under the witness's key
    code = LogEntry.objects.get(index=1).code
    receipt = requests.get(
        f"{live_server.url}/api/v1/evidence/receipt/",
        params={"code": code},
        headers={"Host": "park.localhost"},
        timeout=30,
    ).json()
    assert receipt["witnesses_cosigned"] == 1 and receipt["sth"]["tree_size"] == 5
    (tmp_path / "receipt.json").write_text(json.dumps(receipt))
    (tmp_path / "witness.pem").write_text(witness_key)
    checked = subprocess.run(
        [sys.executable, "-m", "apps.evidence.verify", str(tmp_path / "receipt.json"), "--key", str(tmp_path / "ours.pem"), "--witness-key", str(tmp_path / "witness.pem"), "--json"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
    )  # fmt: skip
    assert json.loads(checked.stdout)["witnesses"] == ["邻园节点"], checked.stdout + checked.stderr

    # A split view: history from leaf 3 on rewritten (as a superuser with triggers off) and a new
    # head signed over it. Its first 5 leaves are not the ones the witness cosigned.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM evidence_logentry WHERE index >= 3")
        cursor.execute("DELETE FROM evidence_lognode WHERE (index + 1) * power(2, level)::bigint > 3")
        cursor.execute("SET session_replication_role = origin")
    SignedTreeHead.objects.filter(tree_size__gt=3).delete()
    log = evlog.park_log()
    type(log).objects.filter(pk=log.pk).update(size=3, root=evlog.tree_root(log, 3))
    _record(admin_a, enterprise_a, subject, 4, "forked")
    forked = services.sth_make()
    assert forked.tree_size == 7

    assert "测试产业园: split_view" in _poll(witness_node)
    assert not Cosignature.objects.filter(sth=forked).exists()
    # an alert on both sides
    theirs = witness_node.sql(
        "SELECT message FROM evidence_evidencealert WHERE kind = %s", [AlertKind.SPLIT_VIEW]
    )
    assert len(theirs) == 1 and "测试产业园" in theirs[0][0]
    ours = EvidenceAlert.objects.get(kind=AlertKind.SPLIT_VIEW)
    assert "邻园节点" in ours.message
    # and the witness stops cosigning that log
    assert "测试产业园" not in _poll(witness_node)


@pytest.mark.django_db
def test_a_cosignature_from_an_unknown_key_or_a_forged_signature_is_refused(
    park_client, enterprise_a, admin_a
):
    import base64

    from apps.terminals import keys

    subject = register_subject(enterprise_a)
    _record(admin_a, enterprise_a, subject, 1, "x")
    head = services.sth_make()
    stranger = keys.generate_private_key("sm2")
    body = {
        "tree_size": head.tree_size,
        "witness_fingerprint": keys.public_key_of(stranger).fingerprint,
        "timestamp": 1,
        "signature": base64.b64encode(b"x" * 70).decode(),
    }
    assert (
        park_client.post(
            "/api/v1/evidence/ct/v2/add-cosignature", body, content_type="application/json"
        ).status_code
        == 403
    )
    services.witness_add(actor=None, name="w", public_key=keys.public_key_of(stranger).pem)
    assert (
        park_client.post(
            "/api/v1/evidence/ct/v2/add-cosignature", body, content_type="application/json"
        ).status_code
        == 400
    )
    assert not Cosignature.objects.exists()
