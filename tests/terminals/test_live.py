"""The reference client against a real server (gunicorn, two worker processes, the test
database): enrol → challenge → token → report → revoke → refused in every process; replay and
cross-tenant probes; the command line a device team runs."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from apps.enterprise_data.services import restricted_context
from apps.terminals import keys, services
from apps.terminals.choices import KeyAlgorithm
from apps.terminals.client import ClientError, TerminalClient
from apps.terminals.models import Reading, ReportBatch
from tests.resolution import nodes
from tests.terminals.conftest import ROOT, device_values

T0 = "2026-03-18T02:00:00Z"


@pytest.fixture
def server(transactional_db, park, enterprise_a, enterprise_b):
    env = nodes.node_env(
        nodes.database_url(connection.settings_dict["NAME"], connection.settings_dict),
        key_prefix=settings.CACHES["default"]["KEY_PREFIX"],
        TERMINALS_RATE_PER_HANDLE="",
    )
    node = nodes.Server(env, workers=2)
    yield node
    node.stop()
    for enterprise in (enterprise_a, enterprise_b):  # committed rows in the enterprise schemas
        with restricted_context(enterprise):
            Reading.objects.all().delete()
            ReportBatch.objects.all().delete()
    connection.set_schema_to_public()


def enrol(enterprise, admin, version, n, algorithm):
    private = keys.generate_private_key(algorithm)
    issued = services.terminal_enrol(
        actor=admin,
        enterprise=enterprise,
        template_version=version,
        values=device_values(n),
        public_key=keys.public_key_of(private).pem,
    )
    return issued.credential, private


def stored(enterprise):
    with restricted_context(enterprise):
        return Reading.objects.count()


@pytest.mark.django_db(transaction=True)
def test_enrol_authenticate_report_revoke_refused_in_every_process(
    server, enterprise_a, enterprise_b, admin_a, admin_b, terminal_version
):
    credential, private = enrol(enterprise_a, admin_a, terminal_version, 1, KeyAlgorithm.SM2)
    device = TerminalClient(server.url, credential.terminal.handle, private, host="park.localhost")
    device.authenticate()
    readings = [
        {"time": T0, "item": "temperature", "value": "22.5"},
        {"time": T0, "item": "energy", "value": "10"},
    ]
    assert device.report(1, readings) == {"status": "accepted", "sequence": 1, "stored": 2}
    batch = device.signed_batch(1, readings)
    assert device.send(batch) == {"status": "duplicate", "sequence": 1, "stored": 2}  # a retry
    for sequence in range(2, 6):  # heartbeats spread over both worker processes
        assert device.report(sequence)["status"] == "accepted"
    assert stored(enterprise_a) == 2

    # replay: a nonce is good once
    nonce = device.challenge()["nonce"]
    signature = device.sign_auth(nonce)
    device.token_for(nonce, signature)
    with pytest.raises(ClientError) as exc:
        device.token_for(nonce, signature)
    assert exc.value.code == "nonce_replayed"

    # cross-tenant probe: beta's terminal under alpha's token, and alpha's key for beta's handle
    beta_credential, beta_private = enrol(enterprise_b, admin_b, terminal_version, 2, KeyAlgorithm.P256)
    beta = TerminalClient(server.url, beta_credential.terminal.handle, beta_private, host="park.localhost")
    beta.challenge()
    with pytest.raises(ClientError) as exc:
        beta.send(beta.signed_batch(1, readings), token=device.token)
    assert exc.value.code == "report_bad_signature"
    impostor = TerminalClient(server.url, beta_credential.terminal.handle, private, host="park.localhost")
    with pytest.raises(ClientError) as exc:
        impostor.authenticate()
    assert exc.value.code == "bad_signature"
    assert stored(enterprise_b) == 0

    # revocation in this process: the next request is refused by every server process
    services.credential_revoke(actor=admin_a, credential=credential, reason="设备报废")
    codes = set()
    for sequence in range(6, 12):
        with pytest.raises(ClientError) as exc:
            device.report(sequence, readings)
        codes.add(exc.value.code)
    assert codes <= {"credential_revoked", "token_invalid"}
    with pytest.raises(ClientError) as exc:
        device.authenticate()
    assert exc.value.code == "credential_revoked"
    assert stored(enterprise_a) == 2


@pytest.mark.django_db(transaction=True)
def test_the_command_line_client_reports(server, enterprise_a, admin_a, terminal_version, tmp_path):
    key_file = tmp_path / "device.pem"
    keygen = subprocess.run(
        [
            sys.executable,
            "-m",
            "apps.terminals.client",
            "keygen",
            "--algorithm",
            "ed25519",
            "--out",
            str(key_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    issued = services.terminal_enrol(
        actor=admin_a,
        enterprise=enterprise_a,
        template_version=terminal_version,
        values=device_values(3),
        public_key=keygen.stdout,
    )
    assert issued.credential.algorithm == "ed25519"
    run = subprocess.run(
        [
            sys.executable, "-m", "apps.terminals.client", "report", "--url", server.url,
            "--host", "park.localhost", "--handle", issued.credential.terminal.handle,
            "--key", str(key_file), "--sequence", "1", "--reading", f"humidity=45@{T0}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert '"accepted"' in run.stdout
    assert stored(enterprise_a) == 1
