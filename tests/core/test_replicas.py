"""Read replicas against a real PostgreSQL streaming replica (apps.core.replicas).

The module starts a primary and a hot standby of it (tests/core/replica_cluster.py: initdb,
the suite's test database copied in, pg_basebackup -R -X stream, both on free ports) and points
Django's ``default`` at that primary for its tests, with the standby as the replica alias. One
pair per module; the ``replica`` xdist group keeps the module on one worker.

What a test proves a read came from the replica with: replay paused on the standby
(``pg_wal_replay_pause()``) while the primary changes a row, so the replica answers the old value.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings

from apps.core import replicas
from tests.conftest import wait_for
from tests.core.replica_cluster import ReplicationUnavailable, start_pair

pytestmark = [
    pytest.mark.replica,
    pytest.mark.xdist_group("replica"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica_test"]),
]

REPLICA = "replica_test"
WINDOW = 10  # REPLICA_READ_YOUR_WRITES_SECONDS in these tests


def _raw(port: int, name: str):
    return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=name, autocommit=True)


@pytest.fixture(scope="module")
def pair(django_db_setup, django_db_blocker, park_schemas):
    default = connections["default"]
    with django_db_blocker.unblock():
        for conn in connections.all():
            conn.close()
        try:
            started = start_pair(default.settings_dict)
        except ReplicationUnavailable as exc:
            pytest.skip(f"no streaming replica can be started here: {exc}")
    saved = {key: default.settings_dict.get(key) for key in ("HOST", "PORT")}
    default.settings_dict.update(HOST="127.0.0.1", PORT=str(started.primary_port))
    replica = copy.deepcopy(default.settings_dict)
    replica.update(ENGINE="apps.core.replica_backend", PORT=str(started.standby_port))
    replica["OPTIONS"] = {**replica.get("OPTIONS", {}), "connect_timeout": 2}
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}  # never flushed: read-only
    connections.settings[REPLICA] = replica
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
        settings.REPLICA_MIDDLEWARE,
    )
    overrides = override_settings(
        DATABASE_REPLICAS=[REPLICA],
        DATABASE_ROUTERS=["apps.core.replicas.ReplicaRouter", "django_tenants.routers.TenantSyncRouter"],
        MIDDLEWARE=middleware,
        # checks run when a test asks (replicas.refresh), never on their own mid-test
        REPLICA_CHECK_SECONDS=10**9,
        REPLICA_MAX_LAG_SECONDS=3600,
        REPLICA_READ_YOUR_WRITES_SECONDS=WINDOW,
        RESOLUTION_SHARED_CACHE=False,
    )
    overrides.enable()
    replicas.reset()
    try:
        yield started
    finally:
        overrides.disable()
        replicas.reset()
        with django_db_blocker.unblock():
            for conn in connections.all():
                conn.close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        default.settings_dict.update(saved)
        started.stop()


@pytest.fixture
def standby(pair):
    """The standby, caught up with the primary and checked usable; replay resumed afterwards."""
    name = connections["default"].settings_dict["NAME"]
    if pair.standby not in pair.started:  # a test stopped it
        pair.start_standby()
    with _raw(pair.standby_port, name) as conn:
        conn.execute("SELECT pg_wal_replay_resume()")
    _catch_up(pair)
    with _raw(pair.standby_port, name) as conn:
        yield conn
    if pair.standby in pair.started:
        with _raw(pair.standby_port, name) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")


def _catch_up(pair) -> None:
    """Until the standby has replayed everything the primary wrote so far and a check says so."""
    name = connections["default"].settings_dict["NAME"]
    with _raw(pair.primary_port, name) as primary:
        target = primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    with _raw(pair.standby_port, name) as standby:
        wait_for(
            lambda: standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0],
            timeout=30,
            interval=0.05,
        )
    wait_for(lambda: replicas.refresh()[REPLICA].usable, timeout=30, interval=0.05)


@contextlib.contextmanager
def on_replica():
    """The statements sent to the replica alias meanwhile (its query log; unlike
    CaptureQueriesContext this does not connect first, so it works with the replica down)."""
    replica = connections[REPLICA]
    replica.force_debug_cursor = True
    replica.queries_log.clear()  # a bounded deque: a full one would not grow
    sent: list[dict] = []
    try:
        yield sent
    finally:
        replica.force_debug_cursor = False
        sent.extend(replica.queries_log)


def _pause(standby) -> None:
    standby.execute("SELECT pg_wal_replay_pause()")
    wait_for(lambda: standby.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] == "paused")


def _suspend(enterprise) -> None:
    """Change a row the park dashboard counts, on the primary (outside any request)."""
    from apps.tenants.models import Enterprise

    Enterprise.objects.filter(pk=enterprise.pk).update(status="suspended")


def _suspended_count(client) -> int:
    """The park dashboard's count of suspended enterprises (its API: pairs of label and count, in
    the order of the status choices)."""
    from apps.tenants.choices import EnterpriseStatus

    response = client.get("/api/v1/workbench/park/", HTTP_HOST="park.localhost")
    assert response.status_code == 200
    position = EnterpriseStatus.values.index(EnterpriseStatus.SUSPENDED)
    return response.json()["figures"]["enterprises"][position]["count"]


@pytest.fixture
def auditor_client(park_auditor):
    from django.test import Client

    client = Client(HTTP_HOST="park.localhost")
    client.force_login(park_auditor)
    return client


@pytest.fixture
def admin_client(park_admin):
    from django.test import Client

    client = Client(HTTP_HOST="park.localhost")
    client.force_login(park_admin)
    return client


def test_dashboard_reads_the_replica_and_sees_what_it_has_replayed(
    pair, standby, auditor_client, enterprise_b
):
    with on_replica() as sent:
        response = auditor_client.get("/", HTTP_HOST="park.localhost")
    assert response.status_code == 200
    assert len(sent) > 0  # the dashboard's figures
    # the replica's own answer: replay paused, the primary's change is not there yet
    assert _suspended_count(auditor_client) == 0
    _pause(standby)
    _suspend(enterprise_b)
    assert _suspended_count(auditor_client) == 0
    standby.execute("SELECT pg_wal_replay_resume()")
    _catch_up(pair)
    assert _suspended_count(auditor_client) == 1


def test_a_user_who_wrote_reads_the_primary_for_the_window(
    standby, admin_client, auditor_client, enterprise_b, frozen_clock
):
    _pause(standby)
    _suspend(enterprise_b)
    # any unsafe request counts as a write (here one the API refuses: 405, nothing else changed)
    assert admin_client.post("/api/v1/workbench/park/", HTTP_HOST="park.localhost").status_code == 405
    with on_replica() as sent:
        assert _suspended_count(admin_client) == 1  # the primary: sees the change
    assert len(sent) == 0
    assert _suspended_count(auditor_client) == 0  # someone else: the (paused) replica
    frozen_clock.shift(dt.timedelta(seconds=WINDOW + 1))
    assert _suspended_count(admin_client) == 0  # the window is over: the replica again


def test_reads_inside_a_transaction_or_after_a_write_stay_on_the_primary(standby, enterprise_b):
    from django.db import transaction

    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise
    from apps.workbench.selectors import enterprises_by_state

    _pause(standby)
    _suspend(enterprise_b)
    position = EnterpriseStatus.values.index(EnterpriseStatus.SUSPENDED)
    with replicas.replica_reads():
        assert enterprises_by_state()[position][1] == 0  # the replica
        with transaction.atomic():
            assert enterprises_by_state()[position][1] == 1
    with replicas.replica_reads():
        Enterprise.objects.filter(pk=enterprise_b.pk).update(name=enterprise_b.name)  # a write
        assert enterprises_by_state()[position][1] == 1  # then the primary


def test_a_lagging_replica_is_skipped_until_it_catches_up(pair, standby, auditor_client, enterprise_b):
    _pause(standby)
    _suspend(enterprise_b)
    with override_settings(REPLICA_MAX_LAG_SECONDS=0):
        checked = replicas.refresh()[REPLICA]
        assert not checked.usable
        assert checked.lag is not None and checked.lag > 0
        with on_replica() as sent:
            assert _suspended_count(auditor_client) == 1  # the primary's answer
        assert len(sent) == 0
        standby.execute("SELECT pg_wal_replay_resume()")
        _catch_up(pair)
        assert replicas.state(REPLICA).lag == 0
        with on_replica() as sent:
            assert _suspended_count(auditor_client) == 1
        assert len(sent) > 0


def test_a_replica_that_goes_away_fails_no_request(pair, standby, auditor_client, enterprise_b):
    _suspend(enterprise_b)
    _catch_up(pair)
    assert _suspended_count(auditor_client) == 1  # from the replica: its connection is open now
    assert connections[REPLICA].connection is not None
    pair.stop_standby()
    # the open connection breaks mid-request: the statement runs again on the primary
    assert _suspended_count(auditor_client) == 1
    down = replicas.state(REPLICA)
    assert not down.usable and down.error
    with on_replica() as sent:
        assert _suspended_count(auditor_client) == 1
    assert len(sent) == 0
    # a check that still says usable (taken before it went away): the new connection is refused
    down.usable = True
    assert _suspended_count(auditor_client) == 1
    assert not replicas.state(REPLICA).usable
    assert not replicas.refresh()[REPLICA].usable  # the periodic check agrees
    pair.start_standby()
    _catch_up(pair)
    with on_replica() as sent:
        assert _suspended_count(auditor_client) == 1
    assert len(sent) > 0


def test_resolution_miss_reads_the_replica_unless_the_handle_just_changed(
    pair, standby, park_client, enterprise_a
):
    from apps.resolution import cache
    from tests.resolution import builders

    cache.subscriber.ensure()
    assert cache.subscriber.subscribed.wait(10)
    builders.template_version()  # the template and prefix exist on both servers
    builders.prefix_for(enterprise_a)
    _catch_up(pair)
    _pause(standby)
    lamp = builders.identifier(enterprise_a, "Lamp-R")  # written on the primary only
    cache.recent.clear()
    cache.local.clear()
    # not announced as changed: the replica answers, and it has not replayed the row
    assert park_client.get(f"/api/handles/{lamp.handle}").json()["responseCode"] == 100
    # the registry announces it (as its services do on commit): the primary answers
    cache.invalidate_handle(lamp.handle)
    body = park_client.get(f"/api/handles/{lamp.handle}").json()
    assert body["responseCode"] == 1 and body["handle"] == lamp.handle


def test_public_pages_read_the_replica_until_that_visitor_posts(pair, standby, park):
    from django.test import Client

    visitor = Client(HTTP_HOST="park.localhost")
    with on_replica() as sent:
        assert visitor.get("/").status_code == 200  # the landing page, not signed in
    assert len(sent) > 0
    # an anonymous form sent (a failed login: nothing else changes) stamps the visitor's address
    visitor.post("/accounts/login/", {"username": "nobody", "password": "wrong-password-1"})
    with on_replica() as sent:
        assert visitor.get("/").status_code == 200
    assert len(sent) == 0


def _server_read(keys: list[str]) -> list[tuple]:
    """The resolution server's batch read of ``keys`` (its primary pool and a pool for the
    replica, opened and closed around it)."""
    import asyncio
    import concurrent.futures

    from apps.resolution import server

    async def run():
        server._pool = server._db_pool()
        await server._pool.open()
        server._replica_pools[REPLICA] = server._db_pool(REPLICA)
        await server._replica_pools[REPLICA].open(wait=False)
        try:
            return await server._read_records(keys)
        finally:
            await server._replica_pools.pop(REPLICA).close()
            await server._pool.close()
            server._pool = None

    # on a thread of its own: an earlier test on this worker may have left an event loop running
    # in this thread, where asyncio.run() refuses to start another
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


@override_settings(REPLICA_CONNECT_TIMEOUT=0.5)
def test_resolution_server_reads_misses_from_its_replica_pool(pair, standby, enterprise_a):
    from apps.resolution import cache
    from tests.resolution import builders

    cache.subscriber.ensure()
    assert cache.subscriber.subscribed.wait(10)
    builders.template_version()
    builders.prefix_for(enterprise_a)
    _catch_up(pair)
    _pause(standby)
    key = builders.identifier(enterprise_a, "Lamp-S").handle.lower()  # on the primary only
    cache.recent.clear()
    assert _server_read([key]) == []  # the replica's answer: not replayed yet
    cache.recent.note([key])  # an invalidation named it: the primary reads it
    assert len(_server_read([key])) == 1
    cache.recent.clear()
    pair.stop_standby()
    assert len(_server_read([key])) == 1  # the replica is gone: the batch falls back
    assert not replicas.state(REPLICA).usable


def test_a_replica_marked_down_is_checked_again_in_the_background(pair, standby):
    replicas.mark_down(REPLICA, "test: taken out")
    assert replicas.pick() is None  # no check due yet: the last one stands
    with override_settings(REPLICA_CHECK_SECONDS=0):
        # a check is due: pick() does not wait for it, it starts one in a thread
        wait_for(lambda: replicas.pick() == REPLICA, timeout=30, interval=0.05)
    assert replicas.state(REPLICA).error == ""
