"""The device server (granian, apps.terminals.server) and the Django device views answer the same
device requests alike: equal status, equal JSON, equal headers that matter, the same refusals
audited; reports that arrive together are stored together, each all or nothing, once."""

import base64
import datetime as dt
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from apps.audit.models import AuditEntry
from apps.enterprise_data.services import restricted_context
from apps.terminals import canonical, keys, services
from apps.terminals.models import Reading, ReportBatch, Terminal, TerminalCredential
from apps.terminals.server import POOL_APPLICATION_NAME
from tests.resolution import nodes
from tests.terminals.conftest import device_values

T0 = "2026-03-18T02:00:00Z"
COMPARED = ("content-type", "retry-after", "www-authenticate")


class DeviceServer(nodes.ResolutionServer):
    def start(self, timeout: float = 60) -> None:
        self.launch(
            [
                "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(self.port),
                "--workers", str(self.workers), "apps.terminals.server:app",
            ],
            name="device server",
            timeout=timeout,
        )  # fmt: skip

    def post(self, path: str, body: bytes, headers: dict):
        request = urllib.request.Request(
            self.url + path,
            data=body,
            method="POST",
            headers={"Host": self.host, "Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def device_server(transactional_db, park, enterprise_a, enterprise_b):
    env = nodes.node_env(
        nodes.database_url(connection.settings_dict["NAME"], connection.settings_dict),
        key_prefix=settings.CACHES["default"]["KEY_PREFIX"],
        TERMINALS_RATE_PER_HANDLE="",
    )
    server = DeviceServer(env, workers=1)
    yield server
    server.stop()
    for enterprise in (enterprise_a, enterprise_b):  # committed rows in the enterprise schemas
        with restricted_context(enterprise):
            Reading.objects.all().delete()
            ReportBatch.objects.all().delete()
    connection.set_schema_to_public()


def via_django(path: str, body: bytes, headers: dict):
    client = Client(HTTP_HOST="park.localhost")
    response = client.generic("POST", path, body, content_type="application/json", headers=headers)
    return response.status_code, dict(response.headers), response.content


class Side:
    """One terminal speaking to one server (``send``: Django's test client or the device server)."""

    def __init__(self, send, handle, private):
        self.send, self.handle, self.private, self.token = send, handle, private, None

    def post(self, what: str, body, headers: dict | None = None, query: str = ""):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = dict(headers or {})
        if self.token and what == "report" and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        status, got, content = self.send(f"/api/terminals/{what}{query}", raw, headers)
        got = {k.lower(): v for k, v in got.items()}
        return status, {name: got.get(name) for name in COMPARED}, json.loads(content)

    def signed(self, message: bytes, private=None) -> str:
        return base64.b64encode(keys.sign(private or self.private, message)).decode()

    def nonce(self) -> str:
        return self.post("challenge", {"handle": self.handle})[2]["nonce"]

    def batch(self, sequence, readings, status="ok", private=None) -> dict:
        message = canonical.report_message(self.handle, canonical.node_id(), sequence, status, readings)
        return {
            "sequence": sequence,
            "status": status,
            "readings": readings,
            "signature": self.signed(message, private),
        }


def enrol(enterprise, admin, version, n, algorithm="sm2"):
    private = keys.generate_private_key(algorithm)
    issued = services.terminal_enrol(
        actor=admin,
        enterprise=enterprise,
        template_version=version,
        values=device_values(n),
        public_key=keys.public_key_of(private).pem,
    )
    return issued, private


def conversation(side: Side, other_private, expire, revoke) -> list[tuple[str, tuple]]:
    """The same device requests, in order; each answer with the volatile parts (nonce, token)
    reduced to their form."""
    answers = []

    def note(name, answer):
        answers.append((name, answer))
        return answer

    status, headers, body = side.post("challenge", {"handle": side.handle})
    note("challenge", (status, headers, sorted(body), body["expires_in"], body["node_id"]))
    note("challenge bad handle", side.post("challenge", {"handle": "nothing"}))
    note("challenge not json", side.post("challenge", b"{nope"))
    note("challenge not an object", side.post("challenge", b"[1]"))
    note("challenge in English", side.post("challenge", {"handle": 7}, query="?lang=en"))
    note(
        "challenge Accept-Language",
        side.post("challenge", {"handle": 7}, {"Accept-Language": "en-US,en;q=0.9"}),
    )

    nonce = side.nonce()
    wrong = side.signed(canonical.auth_message(side.handle, nonce, canonical.node_id()), other_private)
    note("token wrong key", side.post("token", {"handle": side.handle, "nonce": nonce, "signature": wrong}))
    note(
        "token replayed nonce",
        side.post("token", {"handle": side.handle, "nonce": nonce, "signature": wrong}),
    )
    note(
        "token unknown handle",
        side.post("token", {"handle": "88.101.ALPHA/none", "nonce": "x", "signature": "AA=="}),
    )
    note("token bad base64", side.post("token", {"handle": side.handle, "nonce": "x", "signature": "%%"}))
    nonce = side.nonce()
    good = side.signed(canonical.auth_message(side.handle, nonce, canonical.node_id()))
    status, headers, body = side.post("token", {"handle": side.handle, "nonce": nonce, "signature": good})
    note("token", (status, headers, sorted(body), body["token_type"], body["expires_in"]))
    side.token = body["token"]

    readings = [
        {"time": T0, "item": "temperature", "value": "21.5"},
        {"time": T0, "item": "humidity", "value": "40"},
    ]
    note("report without token", side.post("report", side.batch(1, readings), {"Authorization": ""}))
    note(
        "report unknown token", side.post("report", side.batch(1, readings), {"Authorization": "Bearer nope"})
    )
    note("report", side.post("report", side.batch(1, readings)))
    note("report retried", side.post("report", side.batch(1, readings)))
    note("report same sequence, other data", side.post("report", side.batch(1, readings[:1])))
    note("heartbeat", side.post("report", side.batch(2, [])))
    note("heartbeat retried", side.post("report", side.batch(2, [])))
    note("heartbeat same sequence, other status", side.post("report", side.batch(2, [], status="warn")))
    bad_item = [
        {"time": T0, "item": "nothing", "value": "1"},
        {"time": "yesterday", "item": "humidity", "value": "x"},
    ]
    note("report bad readings", side.post("report", side.batch(3, bad_item)))
    note("report bad readings in English", side.post("report", side.batch(3, bad_item), query="?lang=en"))
    note("report wrong key", side.post("report", side.batch(4, readings, private=other_private)))
    note("report not json", side.post("report", b"{nope"))
    note("report malformed", side.post("report", {"sequence": -1, "readings": "x"}))
    expire()  # read from the database on this very request: no cached acceptance
    note("report expired credential", side.post("report", side.batch(5, readings)))
    revoke()
    note("report revoked", side.post("report", side.batch(5, readings)))
    return answers


@pytest.mark.django_db(transaction=True)
def test_same_answers_as_the_django_views(device_server, enterprise_a, admin_a, terminal_version):
    one, one_key = enrol(enterprise_a, admin_a, terminal_version, 1, "sm2")
    two, two_key = enrol(enterprise_a, admin_a, terminal_version, 2, "sm2")
    other = keys.generate_private_key("sm2")

    def revoke(issued):
        return lambda: services.credential_revoke(actor=admin_a, credential=issued.credential, reason="丢失")

    def expire(issued):
        past = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        return lambda: TerminalCredential.objects.filter(pk=issued.credential.pk).update(not_after=past)

    django_side = Side(via_django, one.credential.terminal.handle, one_key)
    server_side = Side(device_server.post, two.credential.terminal.handle, two_key)
    expected = conversation(django_side, other, expire(one), revoke(one))
    got = conversation(server_side, other, expire(two), revoke(two))
    for (name, want), (_name, have) in zip(expected, got, strict=True):
        assert have == want, name
    assert dict(got)["report"][2] == {"status": "accepted", "sequence": 1, "stored": 2}
    assert dict(got)["heartbeat retried"][2]["status"] == "duplicate"
    assert dict(got)["report expired credential"][2]["code"] == "credential_expired"
    assert dict(got)["report revoked"][2]["code"] == "token_invalid"  # revoking drops its tokens

    # stored alike: the same readings, batches and registry state for either terminal
    with restricted_context(enterprise_a):
        for terminal in (one.credential.terminal, two.credential.terminal):
            assert ReportBatch.objects.filter(terminal_id=terminal.pk).count() == 1
            assert sorted(
                Reading.objects.filter(terminal_id=terminal.pk).values_list("item_code", "value")
            ) == [
                ("humidity", "40"),
                ("temperature", "21.5"),
            ]
    connection.set_schema_to_public()
    states = {
        t.pk: t
        for t in Terminal.objects.filter(pk__in=[one.credential.terminal_id, two.credential.terminal_id])
    }
    first, second = states[one.credential.terminal_id], states[two.credential.terminal_id]
    assert (first.public_state, first.last_status, first.heartbeat_sequence, first.signature_failures) == (
        second.public_state,
        second.last_status,
        second.heartbeat_sequence,
        second.signature_failures,
    )
    assert second.heartbeat_sequence == 2 and second.signature_failures == 2
    # the same refusals audited, for either terminal
    for terminal in (first, second):
        reasons = sorted(
            e.changes["reason"][1]
            for e in AuditEntry.objects.filter(action="terminal.auth.refused", object_id=str(terminal.pk))
        )
        assert reasons == ["bad_signature", "credential_expired", "nonce_replayed", "report_bad_signature"]
    # everything else is the resolution server's and Django's, in the same process (make run)
    status, _headers, body = device_server.request("GET", f"/api/handles/{second.handle}")
    assert status == 200 and json.loads(body)["handle"] == second.handle
    assert device_server.request("GET", "/api/terminals/report")[0] == 405  # Django's require_POST
    # reports went over the server's own pool, tokens read many per query
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            [POOL_APPLICATION_NAME],
        )
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db(transaction=True)
def test_reports_arriving_together_are_each_stored_once_all_or_nothing(
    device_server, enterprise_a, enterprise_b, admin_a, admin_b, terminal_version
):
    """Many reports at once (a batch of the server's): two enterprises, two algorithms, a
    terminal reporting twice, retries of the same batch, a conflicting sequence, a bad reading:
    every request gets its own answer and the stored rows are exactly the accepted ones."""
    devices = [enrol(enterprise_a, admin_a, terminal_version, n, ("sm2", "p256")[n % 2]) for n in range(6)]
    devices += [enrol(enterprise_b, admin_b, terminal_version, 10 + n, "ed25519") for n in range(3)]
    sides = []
    for issued, private in devices:
        side = Side(device_server.post, issued.credential.terminal.handle, private)
        nonce = side.nonce()
        signature = side.signed(canonical.auth_message(side.handle, nonce, canonical.node_id()))
        side.token = side.post("token", {"handle": side.handle, "nonce": nonce, "signature": signature})[2][
            "token"
        ]
        sides.append(side)
    reading = [{"time": T0, "item": "temperature", "value": "20.5"}]
    jobs = []  # (side, body, expected status, expected code or ack status)
    for n, side in enumerate(sides):
        batch = side.batch(1, reading)
        jobs += [(side, batch, 200, None), (side, batch, 200, None)]  # a retry among them
        jobs.append((side, side.batch(2, reading * 2), 200, "accepted"))
        jobs.append((side, side.batch(100 + n, []), 200, "accepted"))  # a heartbeat
    jobs.append(
        (
            sides[0],
            side_bad := sides[0].batch(3, [{"time": T0, "item": "nothing", "value": "1"}]),
            400,
            "reading_invalid",
        )
    )
    assert side_bad
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda job: job[0].post("report", job[1]), jobs))
    for (side, body, status, expected), (got_status, _headers, got) in zip(jobs, answers, strict=True):
        assert got_status == status, (side.handle, body["sequence"], got)
        if expected == "reading_invalid":
            assert got["code"] == expected
        elif expected:
            assert got["status"] == expected
    for n in range(len(sides)):
        first_two = [answers[4 * n][2]["status"], answers[4 * n + 1][2]["status"]]
        assert sorted(first_two) == ["accepted", "duplicate"]  # the retry: acknowledged once
    for enterprise, count in ((enterprise_a, 6), (enterprise_b, 3)):
        with restricted_context(enterprise):
            assert ReportBatch.objects.count() == 2 * count
            assert Reading.objects.count() == 3 * count  # 1 + 2 readings each, nothing of the bad batch
    connection.set_schema_to_public()
    assert set(Terminal.objects.values_list("last_status", flat=True)) == {"ok"}
    assert Terminal.objects.filter(heartbeat_sequence__gte=100).count() == len(sides)
