"""The device API through Django's test client: challenge → token → report, and every refusal
with its own code and nothing written."""

import base64
import datetime as dt

import pytest
from django.db import connection
from django.test import TestCase, override_settings

from apps.audit.models import AuditEntry
from apps.enterprise_data.services import restricted_context
from apps.terminals import canonical, keys, services
from apps.terminals.choices import KeyAlgorithm
from apps.terminals.models import Reading, ReportBatch, Terminal, TerminalToken
from tests.terminals.conftest import device_values

pytestmark = pytest.mark.django_db
T0 = "2026-03-18T02:00:00Z"


class Device:
    """A terminal speaking to the test client on the park domain."""

    def __init__(self, client, handle, private):
        self.client, self.handle, self.private = client, handle, private
        self.token = None

    def post(self, path, body, **headers):
        return self.client.post(f"/api/terminals/{path}", body, content_type="application/json", **headers)

    def nonce(self):
        response = self.post("challenge", {"handle": self.handle})
        assert response.status_code == 200, response.json()
        return response.json()["nonce"]

    def sign(self, message, private=None):
        return base64.b64encode(keys.sign(private or self.private, message)).decode()

    def token_response(self, nonce, private=None):
        message = canonical.auth_message(self.handle, nonce, canonical.node_id())
        return self.post(
            "token", {"handle": self.handle, "nonce": nonce, "signature": self.sign(message, private)}
        )

    def authenticate(self):
        response = self.token_response(self.nonce())
        assert response.status_code == 200, response.json()
        self.token = response.json()["token"]
        return self.token

    def batch(self, sequence, readings, status="ok", private=None):
        message = canonical.report_message(self.handle, canonical.node_id(), sequence, status, readings)
        return {
            "sequence": sequence,
            "status": status,
            "readings": readings,
            "signature": self.sign(message, private),
        }

    def report(self, batch, token=None):
        return self.post("report", batch, HTTP_AUTHORIZATION=f"Bearer {token or self.token}")


def enrolled(enterprise, admin, version, n=1, algorithm=KeyAlgorithm.SM2):
    private = keys.generate_private_key(algorithm)
    with TestCase.captureOnCommitCallbacks(execute=True):
        issued = services.terminal_enrol(
            actor=admin,
            enterprise=enterprise,
            template_version=version,
            values=device_values(n),
            public_key=keys.public_key_of(private).pem,
        )
    return issued.credential, private


def readings_in(enterprise):
    with restricted_context(enterprise):
        return list(Reading.objects.order_by("id").values_list("item_code", "value", "grade"))


@pytest.fixture
def alpha_device(enterprise_a, admin_a, terminal_version, park_client):
    credential, private = enrolled(enterprise_a, admin_a, terminal_version)
    return Device(park_client, credential.terminal.handle, private), credential


def test_authenticate_and_report_store_readings_in_the_owning_enterprise_schema(
    alpha_device, enterprise_a, enterprise_b
):
    dev, credential = alpha_device
    token = dev.authenticate()
    stored = TerminalToken.objects.get()
    assert stored.token_hash != token and len(stored.token_hash) == 64  # hashed at rest
    readings = [
        {"time": T0, "item": "temperature", "value": "21.5"},
        {"time": T0, "item": "power", "value": "3.2"},
        {"time": T0, "item": "running_state", "value": "运行"},
    ]
    response = dev.report(dev.batch(1, readings))
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "accepted", "sequence": 1, "stored": 3}
    assert readings_in(enterprise_a) == [
        ("temperature", "21.5", 1),
        ("power", "3.2", 2),
        ("running_state", "运行", 1),
    ]
    assert readings_in(enterprise_b) == []
    connection.set_schema_to_public()
    # readings have no table in the public schema at all; the registry's tables none in a tenant's
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN "
            "('terminals_reading', 'terminals_terminal') AND table_schema IN ('public', %s)",
            [enterprise_a.schema_name],
        )
        assert sorted(cursor.fetchall()) == sorted(
            [(enterprise_a.schema_name, "terminals_reading"), ("public", "terminals_terminal")]
        )
    terminal = Terminal.objects.get(pk=credential.terminal_id)
    # only the template's public items reach the public registry
    assert set(terminal.public_state) == {"temperature", "running_state"}
    assert terminal.last_seen_at is not None and terminal.last_status == "ok"


def test_a_retried_batch_is_stored_once_and_a_different_one_with_the_same_sequence_is_refused(
    alpha_device, enterprise_a
):
    dev, _credential = alpha_device
    dev.authenticate()
    batch = dev.batch(5, [{"time": T0, "item": "humidity", "value": "40"}])
    assert dev.report(batch).json()["status"] == "accepted"
    again = dev.report(batch)
    assert again.status_code == 200 and again.json() == {"status": "duplicate", "sequence": 5, "stored": 1}
    other = dev.report(dev.batch(5, [{"time": T0, "item": "humidity", "value": "41"}]))
    assert other.status_code == 409 and other.json()["code"] == "sequence_conflict"
    assert len(readings_in(enterprise_a)) == 1


def test_a_batch_with_one_bad_reading_stores_nothing(alpha_device, enterprise_a):
    dev, credential = alpha_device
    dev.authenticate()
    readings = [
        {"time": T0, "item": "temperature", "value": "20"},
        {"time": T0, "item": "humidity", "value": "140"},  # over the template's max
        {"time": T0, "item": "no_such_item", "value": "1"},
    ]
    response = dev.report(dev.batch(1, readings))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "reading_invalid"
    assert set(body["errors"]) == {"readings.1.value", "readings.2.item"}
    assert readings_in(enterprise_a) == []
    with restricted_context(enterprise_a):
        assert not ReportBatch.objects.exists()
    connection.set_schema_to_public()
    assert Terminal.objects.get(pk=credential.terminal_id).last_seen_at is None


def test_refusals_have_distinct_codes_and_are_audited(alpha_device, admin_a, enterprise_a):
    dev, credential = alpha_device
    nonce = dev.nonce()
    wrong = keys.generate_private_key(KeyAlgorithm.SM2)
    assert dev.token_response(nonce, private=wrong).json()["code"] == "bad_signature"
    # the nonce was used by that attempt: replaying it is refused as a replay
    assert dev.token_response(nonce).json()["code"] == "nonce_replayed"
    assert dev.token_response("never-issued").json()["code"] == "nonce_invalid"
    unknown = Device(dev.client, "88.101.ALPHA/nobody", wrong)
    response = unknown.token_response(unknown.nonce())
    assert response.status_code == 401 and response.json()["code"] == "unknown_terminal"
    services.credential_suspend(actor=admin_a, credential=credential, reason="检修")
    assert dev.token_response(dev.nonce()).json()["code"] == "credential_suspended"
    services.credential_resume(actor=admin_a, credential=credential)
    dev.authenticate()
    services.credential_revoke(actor=admin_a, credential=credential, reason="私钥泄露")
    response = dev.report(dev.batch(1, [{"time": T0, "item": "temperature", "value": "1"}]))
    assert response.status_code in (401, 403)
    # revocation dropped the token too; either way nothing is stored
    assert response.json()["code"] in ("credential_revoked", "token_invalid")
    assert dev.token_response(dev.nonce()).json()["code"] == "credential_revoked"
    reasons = sorted(
        e.changes["reason"][1] for e in AuditEntry.objects.filter(action="terminal.auth.refused")
    )
    assert reasons == sorted(
        [
            "bad_signature",
            "nonce_replayed",
            "nonce_invalid",
            "unknown_terminal",
            "credential_suspended",
            "credential_revoked",
        ]
    )
    assert readings_in(enterprise_a) == []
    connection.set_schema_to_public()
    terminal = Terminal.objects.get(pk=credential.terminal_id)
    assert terminal.signature_failures == 1 and terminal.last_failure_reason == "bad_signature"


def test_an_expired_token_is_refused_without_side_effects(alpha_device, enterprise_a, frozen_clock):
    dev, credential = alpha_device
    dev.authenticate()
    frozen_clock.shift(dt.timedelta(seconds=901))
    response = dev.report(dev.batch(1, [{"time": T0, "item": "temperature", "value": "1"}]))
    assert response.status_code == 401 and response.json()["code"] == "token_expired"
    assert readings_in(enterprise_a) == []
    connection.set_schema_to_public()
    assert Terminal.objects.get(pk=credential.terminal_id).last_seen_at is None


def test_a_token_is_scoped_to_its_terminal_across_tenants(
    alpha_device, enterprise_b, admin_b, terminal_version, park_client
):
    dev, _credential = alpha_device
    beta_credential, beta_private = enrolled(enterprise_b, admin_b, terminal_version, n=9)
    beta = Device(park_client, beta_credential.terminal.handle, beta_private)
    alpha_token = dev.authenticate()
    # beta's batch (signed by beta's key, for beta's handle) under alpha's token: refused, and
    # the answer is the same as for any bad signature (nothing about beta)
    response = beta.report(
        beta.batch(1, [{"time": T0, "item": "temperature", "value": "1"}]), token=alpha_token
    )
    assert response.status_code == 401 and response.json()["code"] == "report_bad_signature"
    assert "beta" not in response.content.decode().lower()
    assert readings_in(enterprise_b) == []
    assert dev.report({"sequence": 1, "readings": [], "signature": "AAAA"}, token="made-up").json()[
        "code"
    ] == ("token_invalid")


def test_bad_requests_are_refused_in_the_users_language(park_client):
    response = park_client.post("/api/terminals/challenge", "{", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"
    response = park_client.post(
        "/api/terminals/challenge", {"handle": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["errors"] == {"handle": ["Give a valid identifier"]}


@override_settings(TERMINALS_RATE_PER_HANDLE="3/m", TERMINALS_RATE_PER_ADDRESS="")
def test_challenges_are_rate_limited_per_handle(alpha_device, frozen_clock):
    dev, _credential = alpha_device
    for _ in range(3):
        dev.nonce()
    response = dev.post("challenge", {"handle": dev.handle})
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    other = dev.post("challenge", {"handle": "88.101.ALPHA/other"})
    assert other.status_code == 200
    frozen_clock.shift(dt.timedelta(minutes=1))
    dev.nonce()


@override_settings(TERMINALS_RATE_PER_HANDLE="", TERMINALS_RATE_PER_ADDRESS="2/m")
def test_challenges_are_rate_limited_per_address(park_client, frozen_clock):
    for n in range(2):
        assert (
            park_client.post(
                "/api/terminals/challenge", {"handle": f"88.101.ALPHA/t{n}"}, content_type="application/json"
            ).status_code
            == 200
        )
    response = park_client.post(
        "/api/terminals/challenge", {"handle": "88.101.ALPHA/t9"}, content_type="application/json"
    )
    assert response.status_code == 429


def test_a_suspended_enterprises_terminals_are_refused(alpha_device, enterprise_a):
    from apps.tenants.models import Enterprise

    dev, _credential = alpha_device
    dev.authenticate()
    Enterprise.objects.filter(pk=enterprise_a.pk).update(status="suspended")
    response = dev.report(dev.batch(1, [{"time": T0, "item": "temperature", "value": "1"}]))
    assert response.status_code == 403 and response.json()["code"] == "enterprise_inactive"
    assert dev.token_response(dev.nonce()).json()["code"] == "enterprise_inactive"
