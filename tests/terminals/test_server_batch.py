"""One batch of the device server (apps.terminals.server._ReportBatcher), run in process on the
server's own async pool: reports that arrive together are read in one token query, checked one
by one and stored in one transaction; good and bad reports in the same batch each get their own
answer, and a revocation refuses the very next batch (nothing about a token or credential is
kept between batches)."""

import asyncio
import datetime as dt
import hashlib
import json
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from apps.audit.models import AuditEntry
from apps.enterprise_data.services import restricted_context
from apps.terminals import canonical, server, services
from apps.terminals.choices import CredentialState
from apps.terminals.models import Reading, ReportBatch, TerminalCredential, TerminalToken
from tests.terminals.test_server_contract import Side, enrol

T0 = "2026-03-18T02:00:00Z"
LATER = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
READINGS = [
    {"time": T0, "item": "temperature", "value": "21.5"},
    {"time": T0, "item": "humidity", "value": "40"},
]


def device(enterprise, admin, version, n, algorithm):
    """An enrolled terminal with a bearer token (its row as the token step writes it)."""
    issued, private = enrol(enterprise, admin, version, n, algorithm)
    side = Side(None, issued.credential.terminal.handle, private)
    side.token = secrets.token_urlsafe(32)
    TerminalToken.objects.create(
        token_hash=hashlib.sha256(side.token.encode()).hexdigest(),
        terminal=issued.credential.terminal,
        credential=issued.credential,
        created_at=dt.datetime(2026, 3, 18, tzinfo=dt.UTC),
        expires_at=LATER,
    )
    return side, issued.credential


def run_batch(reports: list[tuple]) -> list[tuple[int, dict]]:
    """``reports``: (token, raw body, lang) arriving together → one ``_run`` of a batcher; the
    answers (status, JSON) in order."""
    canonical.node_id()  # read once per process, before the loop (as the server's startup does)

    async def main():
        server._pool = server._db_pool()
        await server._pool.open()
        try:
            loop = asyncio.get_running_loop()
            batch = [
                server._Pending(
                    server.device.token_hash(token), raw, "127.0.0.1", lang, "r1", loop.create_future()
                )
                for token, raw, lang in reports
            ]
            batcher = server._ReportBatcher()
            await batcher._run(batch)
            return [await entry.future for entry in batch], batcher.stats
        finally:
            await server._pool.close()
            server._pool = None

    blocking, server._threads = server._threads, ThreadPoolExecutor(max_workers=1)
    try:
        # on a thread of its own: an earlier test on this worker (Playwright's sync API) may have
        # left an event loop running in this thread, where asyncio.run() refuses to start another
        with ThreadPoolExecutor(max_workers=1) as loop_thread:
            answers, stats = loop_thread.submit(asyncio.run, main()).result()
    finally:  # the thread's database connection is closed with it (the test database is dropped)
        server._threads.submit(connections.close_all).result()
        server._threads.shutdown()
        server._threads = blocking
    assert stats["check"] >= 0 and stats["tokens"] >= 0  # counted per stage
    return [(status, json.loads(body)) for status, body, _headers in answers]


def stored(enterprise, terminal_id) -> tuple[int, int]:
    with restricted_context(enterprise):
        batches = ReportBatch.objects.filter(terminal_id=terminal_id).count()
        readings = Reading.objects.filter(terminal_id=terminal_id).count()
    connection.set_schema_to_public()
    return batches, readings


@pytest.fixture(autouse=True)
def _stored_rows_go_with_the_test(enterprise_a, enterprise_b):
    """The batches are committed in the enterprises' schemas, which a transactional test's flush
    does not empty: they go after each test (another module counts the rows it stores)."""
    yield
    for enterprise in (enterprise_a, enterprise_b):
        with restricted_context(enterprise):
            Reading.objects.all().delete()
            ReportBatch.objects.all().delete()
    connection.set_schema_to_public()


@pytest.mark.django_db(transaction=True)
def test_a_batch_mixing_good_and_bad_reports_answers_each_and_stores_only_the_good(
    enterprise_a, enterprise_b, admin_a, admin_b, terminal_version
):
    good_sm2, _c1 = device(enterprise_a, admin_a, terminal_version, 1, "sm2")
    good_p256, _c2 = device(enterprise_b, admin_b, terminal_version, 2, "p256")
    forger, _c3 = device(enterprise_a, admin_a, terminal_version, 3, "sm2")
    revoked, revoked_credential = device(enterprise_a, admin_a, terminal_version, 4, "p256")
    sloppy, _c5 = device(enterprise_a, admin_a, terminal_version, 5, "ed25519")
    # revoked in the database while its token row survives: only the state read in the batch's
    # query can refuse it
    TerminalCredential.objects.filter(pk=revoked_credential.pk).update(state=CredentialState.REVOKED)
    other_key = enrol(enterprise_a, admin_a, terminal_version, 6, "sm2")[1]

    def raw(side, sequence, readings=READINGS, private=None):
        return json.dumps(side.batch(sequence, readings, private=private)).encode()

    first = raw(good_sm2, 1)
    answers = run_batch(
        [
            (good_sm2.token, first, "zh-hans"),
            (good_p256.token, raw(good_p256, 1, READINGS[:1]), "zh-hans"),
            (good_sm2.token, first, "zh-hans"),  # a retry in the same batch: the next round
            (forger.token, raw(forger, 1, private=other_key), "zh-hans"),
            (revoked.token, raw(revoked, 1), "zh-hans"),
            (sloppy.token, raw(sloppy, 1, [{"time": "yesterday", "item": "nothing", "value": "1"}]), "en"),
            ("not a token", raw(good_sm2, 2), "zh-hans"),
            (good_p256.token, b"{nope", "zh-hans"),
        ]
    )
    assert answers[0] == (200, {"status": "accepted", "sequence": 1, "stored": 2})
    assert answers[1] == (200, {"status": "accepted", "sequence": 1, "stored": 1})
    assert answers[2] == (200, {"status": "duplicate", "sequence": 1, "stored": 2})
    assert (answers[3][0], answers[3][1]["code"]) == (401, "report_bad_signature")
    assert (answers[4][0], answers[4][1]["code"]) == (403, "credential_revoked")
    assert (answers[5][0], answers[5][1]["code"]) == (400, "reading_invalid")
    assert answers[5][1]["message"] != "读数不符合终端模板，整批未保存"  # in the device's language
    assert (answers[6][0], answers[6][1]["code"]) == (401, "token_invalid")
    assert (answers[7][0], answers[7][1]["code"]) == (400, "invalid_request")

    for side, enterprise, expected in (
        (good_sm2, enterprise_a, (1, 2)),
        (good_p256, enterprise_b, (1, 1)),
        (forger, enterprise_a, (0, 0)),
        (revoked, enterprise_a, (0, 0)),
        (sloppy, enterprise_a, (0, 0)),
    ):
        terminal_id = TerminalToken.objects.get(token_hash=server.device.token_hash(side.token)).terminal_id
        assert stored(enterprise, terminal_id) == expected, side.handle
    reasons = sorted(
        e.changes["reason"][1] for e in AuditEntry.objects.filter(action="terminal.auth.refused")
    )
    assert reasons == ["credential_revoked", "report_bad_signature"]


@pytest.mark.django_db(transaction=True)
def test_revocation_refuses_the_next_batch(enterprise_a, admin_a, terminal_version):
    side, credential = device(enterprise_a, admin_a, terminal_version, 1, "sm2")
    terminal_id = credential.terminal_id
    batch = json.dumps(side.batch(1, READINGS)).encode()
    assert run_batch([(side.token, batch, "zh-hans")])[0][0] == 200

    services.credential_revoke(actor=admin_a, credential=credential, reason="丢失")
    again = json.dumps(side.batch(2, READINGS)).encode()
    status, answer = run_batch([(side.token, again, "zh-hans")])[0]
    assert (status, answer["code"]) == (401, "token_invalid")
    assert stored(enterprise_a, terminal_id) == (1, 2)  # nothing of the refused batch
