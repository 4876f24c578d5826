"""Credential lifecycle through the services, HS_PUBKEY in the identifier's record, and a third
party verifying a reading's signature offline from the resolved record alone."""

import base64
import datetime as dt

import pytest
from django.test import TestCase

from apps.audit.models import AuditEntry
from apps.core.errors import ApplicationError, PermissionDenied
from apps.terminals import canonical, keys, services
from apps.terminals.choices import CredentialState, KeyAlgorithm
from apps.terminals.models import TerminalCredential
from tests.terminals.conftest import device_values

pytestmark = pytest.mark.django_db


def committed(service, **kwargs):
    """Run a service with its on-commit hooks (the resolution cache invalidation) executed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def enrol(enterprise, actor, version, algorithm=KeyAlgorithm.SM2, n=1):
    private = keys.generate_private_key(algorithm)
    issued = committed(
        services.terminal_enrol,
        actor=actor,
        enterprise=enterprise,
        template_version=version,
        values=device_values(n),
        public_key=keys.public_key_of(private).pem,
    )
    return issued, private


def resolved(park_client, handle):
    response = park_client.get(f"/api/handles/{handle}")
    assert response.status_code == 200
    return response.json()


def record_credentials(record):
    """{key index: (PublicKey, {field: value})} from a resolved record, nothing else."""
    states = {}
    for value in record["values"]:
        if value["type"] == "TERMINAL_CREDENTIAL":
            fields = dict(part.split("=", 1) for part in value["data"]["value"].split(";"))
            states[int(fields["key"])] = fields
    return {
        v["index"]: (keys.from_record_value(v["data"]["value"]), states[v["index"]])
        for v in record["values"]
        if v["type"] == "HS_PUBKEY"
    }


@pytest.mark.parametrize("algorithm", [KeyAlgorithm.SM2, KeyAlgorithm.P256, KeyAlgorithm.ED25519])
def test_offline_verification_from_the_resolved_record_only(
    algorithm, enterprise_a, admin_a, terminal_version, park_client
):
    issued, private = enrol(enterprise_a, admin_a, terminal_version, algorithm)
    handle = issued.credential.terminal.handle
    readings = [{"time": "2026-03-18T02:00:00Z", "item": "temperature", "value": "21.50"}]
    node = canonical.node_id()
    signature = keys.sign(private, canonical.report_message(handle, node, 7, "ok", readings))

    # the third party: the resolved record, the reading, its signature; no portal database
    creds = record_credentials(resolved(park_client, handle))
    assert len(creds) == 1
    (public, state) = creds[300]
    assert state["state"] == "active" and state["alg"] == algorithm
    message = canonical.report_message(handle, node, 7, "ok", readings)
    assert keys.verify(public, signature, message)
    tampered = canonical.report_message(handle, node, 7, "ok", [{**readings[0], "value": "99"}])
    assert not keys.verify(public, signature, tampered)


def test_rotate_keeps_both_keys_in_the_record_then_revoke_shows_revoked(
    enterprise_a, admin_a, terminal_version, park_client
):
    issued, _private = enrol(enterprise_a, admin_a, terminal_version, KeyAlgorithm.P256, n=2)
    terminal = issued.credential.terminal
    rotated = committed(
        services.credential_rotate,
        actor=admin_a,
        terminal=terminal,
        algorithm=KeyAlgorithm.ED25519,
        grace_hours=48,
    )
    assert rotated.private_key_pem and "PRIVATE KEY" in rotated.private_key_pem
    assert "PRIVATE" not in rotated.credential.public_key  # only the public half is kept
    creds = record_credentials(resolved(park_client, terminal.handle))
    assert {i: s["state"] for i, (_k, s) in creds.items()} == {300: "retiring", 301: "active"}
    assert "grace_until" in creds[300][1]

    with pytest.raises(ApplicationError) as exc:
        services.credential_revoke(actor=admin_a, credential=rotated.credential, reason=" ")
    assert exc.value.code == "reason_required"
    committed(services.credential_revoke, actor=admin_a, credential=rotated.credential, reason="设备丢失")
    creds = record_credentials(resolved(park_client, terminal.handle))
    assert creds[301][1]["state"] == "revoked"
    entry = AuditEntry.objects.filter(action="terminal.credential.revoke").latest("id")
    assert entry.changes["reason"] == [None, "设备丢失"]
    assert entry.tenant_schema == enterprise_a.schema_name
    assert AuditEntry.objects.filter(action="identifier.values_set", object_repr=terminal.handle).count() == 3


def test_suspend_resume_and_grace_end_refusals(enterprise_a, admin_a, terminal_version, frozen_clock):
    issued, _private = enrol(enterprise_a, admin_a, terminal_version, KeyAlgorithm.SM2, n=3)
    credential = issued.credential
    from django.utils import timezone

    now = timezone.now()
    assert services.refusal_for(credential, now) is None
    suspended = services.credential_suspend(actor=admin_a, credential=credential, reason="检修")
    assert services.refusal_for(suspended, now) == "credential_suspended"
    resumed = services.credential_resume(actor=admin_a, credential=credential)
    assert services.refusal_for(resumed, now) is None
    services.credential_rotate(actor=admin_a, terminal=credential.terminal, algorithm="sm2", grace_hours=1)
    old = TerminalCredential.objects.get(pk=credential.pk)
    assert old.state == CredentialState.RETIRING
    assert services.refusal_for(old, now) is None
    assert services.refusal_for(old, now + dt.timedelta(hours=1, seconds=1)) == "credential_expired"
    frozen_clock.shift(dt.timedelta(hours=2))
    assert services.credentials_retire_expired_grace() == 1
    assert services.credentials_retire_expired_grace() == 0
    assert TerminalCredential.objects.get(pk=credential.pk).state == CredentialState.SUPERSEDED


def test_bad_input_writes_nothing_and_other_tenants_cannot_act(
    enterprise_a, admin_a, admin_b, terminal_version
):
    from apps.identifiers.models import Identifier

    before = Identifier.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.terminal_enrol(
            actor=admin_a,
            enterprise=enterprise_a,
            template_version=terminal_version,
            values=device_values(4),
            public_key="not a key",
        )
    assert exc.value.code == "invalid_key"
    assert Identifier.objects.count() == before
    issued, private = enrol(enterprise_a, admin_a, terminal_version, n=5)
    with pytest.raises(PermissionDenied):
        services.credential_revoke(actor=admin_b, credential=issued.credential, reason="x")
    with pytest.raises(ApplicationError) as exc:  # the same key on a second terminal
        services.terminal_enrol(
            actor=admin_a,
            enterprise=enterprise_a,
            template_version=terminal_version,
            values=device_values(6),
            public_key=base64.b64encode(keys.public_key_of(private).der).decode(),
        )
    assert exc.value.code == "key_in_use"
    assert Identifier.objects.count() == before + 1
