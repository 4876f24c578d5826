"""/api/v1/evidence/: an enterprise records (JSON, file, bulk) and reads its own evidence; anyone
reads the log with RFC 9162's endpoints and a receipt; another enterprise sees nothing beyond an
evidence code's public record."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.evidence import log as evlog
from apps.evidence import merkle, services
from apps.evidence.models import EvidenceType
from tests.evidence.conftest import auth

pytestmark = pytest.mark.django_db
H = merkle.hash_function("sm3")
SECRET = {"co2_t": "12.375", "counterparty": "某某钢铁"}


@pytest.fixture
def recorded(tenant_client, enterprise_a, admin_a, subject_a):
    client = tenant_client(enterprise_a)
    headers = auth(admin_a)
    one = client.post(
        "/api/v1/evidence/evidence/",
        {"subject": subject_a.handle, "evidence_type": "carbon", "record": SECRET, "title": "二月核查"},
        content_type="application/json",
        **headers,
    )
    assert one.status_code == 201, one.json()
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 test report", content_type="application/pdf")
    two = client.post(
        "/api/v1/evidence/evidence/",
        {"subject": subject_a.handle, "evidence_type": "quality", "file": upload},
        **headers,
    )
    assert two.status_code == 201, two.json()
    bulk = client.post(
        "/api/v1/evidence/evidence/bulk/",
        {
            "items": [
                {
                    "subject": subject_a.handle,
                    "evidence_type": "trade",
                    "file_base64": base64.b64encode(f"tx {n}".encode()).decode(),
                }
                for n in range(3)
            ]
        },
        content_type="application/json",
        **headers,
    )
    assert bulk.status_code == 201, bulk.json()
    return {"client": client, "headers": headers, "json": one.json(), "file": two.json(), "bulk": bulk.json()}


def test_recorded_evidence_is_listed_detailed_and_its_receipt_proves_inclusion(recorded):
    client, headers = recorded["client"], recorded["headers"]
    page = client.get("/api/v1/evidence/evidence/", **headers).json()
    listed = page["results"]
    assert (
        page["count"] == 5
        and len(listed) == 5
        and {r["evidence_type"] for r in listed} == {"carbon", "quality", "trade"}
    )
    second = client.get("/api/v1/evidence/evidence/?page=2&page_size=2", **headers).json()
    assert [r["code"] for r in second["results"]] == [r["code"] for r in listed[2:4]]
    index = recorded["json"]["leaf_index"]
    detail = client.get(f"/api/v1/evidence/evidence/{index}/", **headers).json()
    assert detail["record"] == SECRET and detail["digest"] == evlog.file_digest(evlog.canonical(SECRET))
    assert recorded["file"]["digest"] == evlog.file_digest(b"%PDF-1.4 test report")
    receipt = client.get(f"/api/v1/evidence/evidence/{index}/receipt/", **headers).json()
    entry = base64.b64decode(receipt["entry"])
    root = base64.b64decode(receipt["sth"]["root_hash"])
    proof = [base64.b64decode(p) for p in receipt["inclusion_proof"]]
    assert merkle.verify_inclusion(
        H, index, receipt["sth"]["tree_size"], merkle.leaf_hash(H, entry), proof, root
    )


def test_the_log_endpoints(recorded, park_client):
    sth = park_client.get("/api/v1/evidence/ct/v2/get-sth").json()
    assert sth["tree_size"] == 5 and sth["hash_algorithm"] == "sm3"
    log = evlog.park_log()
    assert base64.b64decode(sth["root_hash"]) == evlog.tree_root(log, 5)
    services.sth_make()  # no growth: the same head
    entries = park_client.get("/api/v1/evidence/ct/v2/get-entries", {"start": 1, "end": 3}).json()["entries"]
    assert [e["leaf_index"] for e in entries] == [1, 2, 3]
    leaf = entries[1]["leaf_hash"]
    proof = park_client.get("/api/v1/evidence/ct/v2/get-proof-by-hash", {"hash": leaf, "tree_size": 5}).json()
    assert proof["leaf_index"] == 2
    assert merkle.verify_inclusion(
        H,
        2,
        5,
        base64.b64decode(leaf),
        [base64.b64decode(p) for p in proof["inclusion"]],
        base64.b64decode(sth["root_hash"]),
    )
    # consistency between an earlier head (size 2, recomputed from the store) and the latest
    first_root = evlog.tree_root(log, 2)
    consistency = park_client.get(
        "/api/v1/evidence/ct/v2/get-sth-consistency", {"first": 2, "second": 5}
    ).json()
    assert merkle.verify_consistency(
        H,
        2,
        5,
        first_root,
        base64.b64decode(sth["root_hash"]),
        [base64.b64decode(p) for p in consistency["consistency"]],
    )
    # bad input: a clear error, nothing else
    bad = park_client.get("/api/v1/evidence/ct/v2/get-sth-consistency", {"first": 4, "second": 99})
    assert bad.status_code == 400 and bad.json()["errors"]["second"]
    assert park_client.get("/api/v1/evidence/ct/v2/get-entries", {"start": "x", "end": 1}).status_code == 400
    assert (
        park_client.get(
            "/api/v1/evidence/ct/v2/get-proof-by-hash", {"hash": "%%%", "tree_size": 1}
        ).status_code
        == 400
    )
    key = park_client.get("/.well-known/evidence-log.json").json()
    assert key["public_key"] == log.public_key and key["hash_algorithm"] == "sm3"


def test_refusals_are_clear_and_change_nothing(tenant_client, enterprise_a, admin_a, subject_a, subject_b):
    client = tenant_client(enterprise_a)
    response = client.post(
        "/api/v1/evidence/evidence/",
        {"subject": subject_b.handle, "evidence_type": "carbon", "record": {"a": 1}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth(admin_a),
    )
    assert response.status_code == 400
    assert response.json()["errors"]["subject"] == [
        f"{subject_b.handle} is not an identifier of your enterprise"
    ]
    bulk = client.post(
        "/api/v1/evidence/evidence/bulk/",
        {
            "items": [
                {"subject": subject_a.handle, "evidence_type": "carbon", "record": {"a": 1}},
                {"subject": subject_a.handle, "evidence_type": "nope", "record": {"a": 2}},
            ]
        },
        content_type="application/json",
        **auth(admin_a),
    )
    assert bulk.status_code == 400 and "第 2 行 evidence_type" in bulk.json()["message"]
    assert evlog.park_log().size == 0


def test_another_enterprise_sees_nothing_beyond_the_public_record(
    recorded, tenant_client, enterprise_a, enterprise_b, admin_b, park_client
):
    index = recorded["json"]["leaf_index"]
    code = recorded["json"]["code"]
    theirs = tenant_client(enterprise_b)
    assert theirs.get("/api/v1/evidence/evidence/", **auth(admin_b)).json()["results"] == []
    assert theirs.get(f"/api/v1/evidence/evidence/{index}/", **auth(admin_b)).status_code == 404
    assert theirs.get(f"/api/v1/evidence/evidence/{index}/receipt/", **auth(admin_b)).status_code == 404
    # on alpha's domain: not a member
    assert tenant_client(enterprise_a).get("/api/v1/evidence/evidence/", **auth(admin_b)).status_code in (
        403,
        404,
    )
    # the public receipt: digest, code, time — never the restricted content
    public = park_client.get("/api/v1/evidence/receipt/", {"code": code})
    assert public.status_code == 200
    text = json.dumps(public.json(), ensure_ascii=False) + base64.b64decode(public.json()["entry"]).decode()
    assert "12.375" not in text and "某某钢铁" not in text
    page = park_client.get(f"/evidence/c/{code}").content.decode()
    assert recorded["json"]["digest"] in page and "12.375" not in page
    # a public type shows its content to anyone
    EvidenceType.objects.filter(code="carbon").update(is_public=True)
    assert "12.375" in park_client.get(f"/evidence/c/{code}").content.decode()


def test_park_staff_figures_and_witnesses(recorded, park_client, park_admin, member_a):
    from rest_framework.authtoken.models import Token

    assert park_client.get("/api/v1/evidence/figures/").status_code in (401, 403)
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=park_admin)[0].key}"}
    figures = park_client.get("/api/v1/evidence/figures/", **headers).json()
    assert figures["size"] == 5 and {r["name"] for r in figures["by_type"]} == {"碳资产", "质量", "交易"}
    assert park_client.post("/api/v1/evidence/sth/", **headers).status_code == 201
    from apps.terminals import keys

    pem = keys.public_key_of(keys.generate_private_key("sm2")).pem
    created = park_client.post(
        "/api/v1/evidence/witnesses/",
        {"name": "邻园", "public_key": pem},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201 and len(created.json()["fingerprint"]) == 64
    member = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=member_a)[0].key}"}
    assert park_client.get("/api/v1/evidence/figures/", **member).status_code == 403
