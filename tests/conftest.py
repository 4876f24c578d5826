"""Shared test fixtures: real PostgreSQL (schemas), real Redis, a real Celery worker.

The test database is migrated once per session (pytest-django, which runs django-tenants'
migrate_schemas), then the tenant base schema, the park's public tenant and two test
enterprises are created once, committed. Fixtures re-create them if a ``transaction=True``
test flushed the public tables (schemas survive a flush, so that is cheap).

Tests that need a worker use the ``celery_worker`` fixture and
``@pytest.mark.django_db(transaction=True)`` so the worker sees committed rows.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


# The one instant tests that read the clock run at: a Wednesday in mid-March, mid-morning in the
# park's time zone, far from any day, week, month or year boundary (and after every release of
# the data the tests load). Freeze it with the ``frozen_clock`` fixture; a test that needs time to
# pass moves it with ``frozen_clock.shift(...)``, never with a sleep.
FROZEN_NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIXTURES_CREATED_AT = FROZEN_NOW - dt.timedelta(days=30)


def pytest_configure(config):
    # The .mo is build output: compile it from the .po when pytest runs without `make test`
    # (once, in the controller; xdist workers start after it).
    if not hasattr(config, "workerinput"):
        from apps.core.catalogues import compile_all

        compile_all(ROOT / "locale")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Keep an expensive shared fixture on one xdist worker (``make test`` runs ``--dist
    loadgroup``; groups change where tests run, never what they check).

    - A test module with a module- or class-scoped fixture of its own (a server, a second node, a
      replica pair) is one group: split over the workers, or interleaved with other modules on one,
      its fixture was built again each time (test_nodes' upstream node: ~110 s each).
    - The groups reach the scheduler at all: pytest-xdist 3.8 marks a test's group by appending
      ``@group`` to ``item._nodeid``, which pytest 9 no longer reads (``nodeid`` comes from
      ``item._id``), so every ``xdist_group`` mark was ignored and the replica module's tests ran
      on both workers, each starting its own primary and standby. In a worker we append the
      suffix to the id pytest 9 reads, as xdist means to (its ``_split_scope`` reads it back)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        module = item.nodeid.split("::", 1)[0]
        for name in info.names_closure:
            defs = info.name2fixturedefs.get(name) or ()
            if defs and defs[-1].scope in ("module", "class") and defs[-1].baseid == module:
                item.add_marker(pytest.mark.xdist_group(module))
                break
    if not (hasattr(config, "workerinput") and config.getvalue("loadgroup")):
        return
    try:
        from _pytest.nodeid import NodeId  # pytest >= 9
    except ImportError:  # older pytest: xdist's own suffix works
        return
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if names and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(names))}")


@pytest.fixture(scope="session", autouse=True)
def park_schemas(django_db_setup, django_db_blocker):
    import time_machine

    from apps.tenants.provisioning import ensure_base_schema

    # The park and the two enterprises joined a month before FROZEN_NOW, so a frozen test's
    # reports (which count what existed by the period's end) see them, as they would see real ones.
    with django_db_blocker.unblock(), time_machine.travel(FIXTURES_CREATED_AT, tick=False):
        ensure_base_schema()
        factories.ensure_test_park()
        factories.ensure_enterprise("alpha")
        factories.ensure_enterprise("beta")
    yield


# ---------------------------------------------------------------- content type ids after a flush
# contenttypes and auth live in the public schema and in every enterprise's (cloned from the
# base schema): their ids agree, and ContentType's per-process cache is shared by all schemas.
# A transactional test's flush truncates the public tables and post_migrate creates the rows
# again under new ids, so a later test could write the public id into a tenant's table (or the
# reverse) and fail on a foreign key. Each test starts with the public ids the session migrated.
_NUMBERED = (
    ("django_content_type", ("app_label", "model")),
    ("auth_permission", ("content_type_id", "codename")),  # after the content types: its key uses them
)


def _public_ids(cursor, table: str, keys: tuple[str, ...]) -> dict[tuple, int]:
    cursor.execute(f"SELECT id, {', '.join(keys)} FROM public.{table}")
    return {tuple(row[1:]): row[0] for row in cursor.fetchall()}


def _renumber(cursor, table: str, keys: tuple[str, ...], migrated: dict[tuple, int]) -> bool:
    """Give ``table``'s rows (and the columns that reference them) the ids they were migrated
    with; False when they have them already."""
    current = _public_ids(cursor, table, keys)
    pairs = [(current[key], old) for key, old in migrated.items() if current.get(key, old) != old]
    if not pairs:
        return False
    cursor.execute(
        "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
        "WHERE c.contype = 'f' AND c.confrelid = %s::regclass",
        [f"public.{table}"],
    )
    columns = [*cursor.fetchall(), (f"public.{table}", "id")]
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute("CREATE TEMP TABLE IF NOT EXISTS test_renumbered (new bigint, old bigint)")
    cursor.execute("TRUNCATE test_renumbered")
    cursor.executemany("INSERT INTO test_renumbered VALUES (%s, %s)", pairs)
    for relation, column in columns:  # through negative ids: an old id may be another row's new one
        cursor.execute(
            f"UPDATE {relation} SET {column} = -m.old FROM test_renumbered m WHERE {relation}.{column} = m.new"
        )
        cursor.execute(f"UPDATE {relation} SET {column} = -{column} WHERE {column} < 0")
    return True


@pytest.fixture(scope="session")
def _migrated_public_ids(park_schemas, django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SET search_path TO public")
        return {table: _public_ids(cursor, table, keys) for table, keys in _NUMBERED}


@pytest.fixture(autouse=True)
def _public_ids_as_migrated(_migrated_public_ids, django_db_blocker):
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    migrated = _migrated_public_ids
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:  # one cheap look per test; the rows only after a flush
            cursor.execute("SELECT max(id) FROM public.django_content_type")
            as_migrated = cursor.fetchone()[0] == max(migrated["django_content_type"].values())
        if not as_migrated:
            with transaction.atomic(), connection.cursor() as cursor:
                for table, keys in _NUMBERED:
                    _renumber(cursor, table, keys, migrated[table])
            ContentType.objects.clear_cache()
    yield


def _made_when_the_session_made_them(make):
    """``make()`` with the clock at FIXTURES_CREATED_AT: after a transactional test flushed the
    tables, the park and enterprises it re-creates joined when the session's did, not at a test's
    frozen now (an enterprise made in March is not billed for February)."""
    import time_machine

    with time_machine.travel(FIXTURES_CREATED_AT, tick=False):
        return make()


@pytest.fixture
def park(db):
    """The park (public tenant + Park row)."""
    return _made_when_the_session_made_them(factories.ensure_test_park)


@pytest.fixture
def enterprise_a(park):
    return _made_when_the_session_made_them(lambda: factories.ensure_enterprise("alpha"))


@pytest.fixture
def enterprise_b(park):
    return _made_when_the_session_made_them(lambda: factories.ensure_enterprise("beta"))


@pytest.fixture
def park_admin(park):
    return factories.user("park_admin", park_role="park_admin")


@pytest.fixture
def park_auditor(park):
    return factories.user("park_auditor", park_role="park_auditor")


@pytest.fixture
def admin_a(enterprise_a):
    return factories.member("admin_a", enterprise_a, role="enterprise_admin")


@pytest.fixture
def member_a(enterprise_a):
    return factories.member("member_a", enterprise_a, role="enterprise_member")


@pytest.fixture
def admin_b(enterprise_b):
    return factories.member("admin_b", enterprise_b, role="enterprise_admin")


@pytest.fixture
def park_client(park):
    """A Django test client on the park domain."""
    from django.test import Client

    return Client(HTTP_HOST="park.localhost")


@pytest.fixture
def tenant_client():
    """tenant_client(enterprise) → a Django test client on that enterprise's domain."""
    from django.test import Client

    def make(enterprise):
        return Client(HTTP_HOST=factories.domain_of(enterprise))

    return make


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    from apps.tenants.middleware import forget_domains

    forget_domains()
    yield
    connection.set_schema_to_public()
    forget_domains()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Tests share one Redis; each test starts from an empty cache of its own prefix. Only
    this worker's keys go: ``cache.clear()`` would FLUSHDB under the other xdist worker's feet
    (its pushed resolution counters included)."""
    from django.conf import settings

    from apps.resolution.cache import redis_client

    yield
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    try:
        client = redis_client()
        # django-tenants keys are "<schema>:<prefix>:<version>:<key>"; ours "<prefix>:res:...".
        for pattern in (f"*:{prefix}:*", f"{prefix}:*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
    except Exception:
        pass


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, park_schemas):
    """A real Celery worker process on the test database and a queue of its own."""
    from django.conf import settings

    from park_portal.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    env["DATABASE_URL"] = _database_url(db)
    env["REDIS_URL"] = settings.REDIS_URL
    env["CELERY_QUEUE"] = queue
    env["CACHE_KEY_PREFIX"] = settings.CACHES["default"]["KEY_PREFIX"]
    log = open(ROOT / "var" / f"worker-{queue}.log", "w") if (ROOT / "var").exists() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "park_portal",
            "worker",
            "-Q",
            queue,
            "-c",
            "2",
            "-P",
            "threads",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _wait_for_worker(app, queue, proc)
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def frozen_clock():
    """Django's and Python's clocks read FROZEN_NOW in this process for the test (time-machine;
    time.monotonic, and so timeouts and waits, are not affected)."""
    import time_machine

    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def closed_port():
    """A loopback port that refuses connections for the whole test: bound and held, never
    listening. (A port bound and released at once may be handed to another process's server a
    moment later, and a probe of it then finds something answering.)"""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def _database_url(db: dict) -> str:
    from urllib.parse import quote

    host = db.get("HOST") or ""
    host_part = quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db.get('USER') or 'postgres', safe='')}{password}@{host_part}{port}/{db['NAME']}"
    )


def _wait_for_worker(app, queue: str, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("celery worker exited at start")
        replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5)
        if replies:
            return
    raise RuntimeError("celery worker did not answer a ping")


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll until predicate() is truthy (for tests waiting on a worker). Not a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


# ---------------------------------------------------------------- browser tests
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download). Skips only when chromium
    is absent (make test installs it when run as root)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def live_url(live_server):
    """live_url(host) → base URL of the live server on that host name. Chromium resolves
    *.localhost to loopback itself, so enterprise domains work without /etc/hosts."""
    port = live_server.url.rsplit(":", 1)[1]

    def make(host: str = "park.localhost") -> str:
        return f"http://{host}:{port}"

    return make
