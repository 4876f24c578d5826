"""Read replicas: which reads may go to a PostgreSQL streaming replica, and which replica.

``DATABASE_REPLICA_URLS`` (comma-separated) names the replicas; settings make them the
aliases ``replica_1``, ``replica_2``… (``DATABASE_REPLICAS``) with the django-tenants backend
(``apps.core.replica_backend``, so the search path follows the tenant) and install
``ReplicaRouter`` and ``ReplicaRoutingMiddleware``. Unset: none of this is installed.

What reads a replica, and nothing else (every other read, and every write, is the primary's):

* code inside ``replica_reads()`` (a context manager and decorator): the dashboards' selectors
  (apps.workbench), report generation (apps.reports), and the resolution miss
  (apps.resolution.selectors and the resolution server's own pool);
* public pages: a GET/HEAD of someone not signed in, without an Authorization header.

Even there the primary answers when
* the request's user, session or client address wrote (any POST/PUT/PATCH/DELETE) within
  ``REPLICA_READ_YOUR_WRITES_SECONDS`` (a time stamp in Redis per identity: read-your-writes
  across requests and processes), or wrote earlier in this request or block (the router saw the
  write), or a transaction is open on the primary;
* the model is one whose staleness would be wrong rather than old (sessions, users and their
  permissions, API tokens: ``PRIMARY_ONLY_APPS``);
* no replica is usable: each is checked every ``REPLICA_CHECK_SECONDS`` in a background
  thread (its replay position against the primary's WAL position; behind it, the age of the
  last replayed transaction is the lag), and skipped while the lag is over
  ``REPLICA_MAX_LAG_SECONDS``, when it is down, or not a standby any more. A query that fails
  on a replica marks it down and runs again on the primary (``apps.core.replica_backend``): the
  request does not fail.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from apps.core.hot_settings import setting

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read from the primary always: a session or a user's roles read from a replica behind a login,
# a logout or a role change would be wrong, not merely a few seconds old.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "authtoken", "guardian"})


def aliases() -> list[str]:
    return setting("DATABASE_REPLICAS")


# ------------------------------------------------------------------ health of each replica
@dataclass
class ReplicaState:
    alias: str
    usable: bool = False
    lag: float | None = None  # seconds behind the primary at the last check; None: unknown
    checked_at: float = float("-inf")  # time.monotonic() of the last check
    error: str = ""


_states: dict[str, ReplicaState] = {}
_states_lock = threading.Lock()
_refreshing = threading.Lock()
_turn = itertools.count()


def state(alias: str) -> ReplicaState:
    with _states_lock:
        return _states.setdefault(alias, ReplicaState(alias))


def pick() -> str | None:
    """A usable replica (round robin), or None. Never waits: a stale state starts a check in the
    background and this read goes by the last one (none yet: the primary)."""
    names = aliases()
    if not names:
        return None
    now = time.monotonic()
    states = [state(alias) for alias in names]
    if any(now - s.checked_at >= setting("REPLICA_CHECK_SECONDS") for s in states):
        _refresh_in_background()
    usable = [s.alias for s in states if s.usable]
    if not usable:
        return None
    return usable[next(_turn) % len(usable)]


def mark_down(alias: str, error: BaseException | str) -> None:
    """A query on ``alias`` failed: skip it until the next check."""
    s = state(alias)
    if s.usable:
        logger.warning(
            "read replica %s failed, reading the primary until it is checked again: %s", alias, error
        )
    s.usable, s.error, s.checked_at = False, str(error)[:500], time.monotonic()


def _refresh_in_background() -> None:
    if _refreshing.locked():
        return

    def run():
        try:
            refresh()
        except Exception:  # the check logs its own failures; never kill the process
            logger.exception("read replica check failed")

    threading.Thread(target=run, name="replica-check", daemon=True).start()


def _connect(alias: str):
    """A short-lived autocommit psycopg connection with ``alias``'s settings (not Django's: the
    check runs on its own thread and must not leave a connection behind)."""
    import psycopg

    params = {
        name: value
        for name, value in connections[alias].get_connection_params().items()
        if name not in ("cursor_factory", "context", "prepare_threshold")
    }
    params["connect_timeout"] = max(1, int(setting("REPLICA_CONNECT_TIMEOUT")))
    params["autocommit"] = True
    params["application_name"] = "park-portal-replica-check"
    return psycopg.connect(**params)


REPLICA_CHECK_SQL = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn, "
    "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8"
)


def refresh() -> dict[str, ReplicaState]:
    """Check every replica now (blocking): the primary's WAL position first, then whether each
    replica has replayed up to it; one behind is as late as its last replayed transaction."""
    with _refreshing:
        names = aliases()
        now = time.monotonic()
        try:
            with _connect(DEFAULT_DB_ALIAS) as conn:
                primary_lsn = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
        except Exception as exc:
            primary_lsn, primary_error = None, exc
        for alias in names:
            s = state(alias)
            if primary_lsn is None:
                s.usable, s.lag, s.error = False, None, f"primary not checked: {primary_error}"[:500]
                s.checked_at = now
                continue
            try:
                with _connect(alias) as conn:
                    standby, caught_up, age = conn.execute(REPLICA_CHECK_SQL, [primary_lsn]).fetchone()
            except Exception as exc:
                was = s.usable
                s.usable, s.lag, s.error, s.checked_at = False, None, str(exc)[:500], now
                if was:
                    logger.warning("read replica %s is down: %s", alias, exc)
                continue
            if not standby:
                s.usable, s.lag, s.error = False, None, "not in recovery (promoted?): not a replica"
            else:
                s.lag = 0.0 if caught_up else age
                s.usable = s.lag is not None and s.lag <= setting("REPLICA_MAX_LAG_SECONDS")
                s.error = "" if s.usable else f"lag {s.lag} s over {setting('REPLICA_MAX_LAG_SECONDS')} s"
            s.checked_at = now
        return {alias: state(alias) for alias in names}


def reset() -> None:
    """Forget every check (tests; a changed replica list)."""
    with _states_lock:
        _states.clear()


# ------------------------------------------------------------------ what may read a replica
@dataclass
class _Scope:
    """One request's (or one ``replica_reads`` block's, outside a request) routing state."""

    request: object = None
    depth: int = 0  # nesting of replica_reads blocks
    wrote: bool = False  # the router sent a write to the primary in this scope
    _public: bool | None = None
    _pinned: bool | None = None
    _deciding: bool = False
    extra: dict = field(default_factory=dict)

    def wants_replica(self) -> bool:
        if self.depth > 0:
            return True
        if self._public is None:
            self._public = self._deciding = False  # reads made while deciding: primary
            request = self.request
            if (
                request is not None
                and request.method in SAFE_METHODS
                and "HTTP_AUTHORIZATION" not in request.META
            ):
                self._deciding = True
                try:
                    self._public = not request.user.is_authenticated
                finally:
                    self._deciding = False
        return self._public

    def pinned(self) -> bool:
        """Did this request's user, session or client write within the read-your-writes window?"""
        if self._pinned is None:
            self._pinned = True  # reads made while deciding, and any failure: primary
            self._pinned = _wrote_recently(self.request) if self.request is not None else False
        return self._pinned


_scope: ContextVar[_Scope | None] = ContextVar("replica_scope", default=None)


@contextlib.contextmanager
def replica_reads():
    """Reads in this block may go to a replica (see the module's rules). Use only around code
    that reads what others wrote, never around a read of what this code just wrote."""
    if not aliases():
        yield
        return
    scope = _scope.get()
    token = None
    if scope is None:
        scope = _Scope()
        token = _scope.set(scope)
    scope.depth += 1
    try:
        yield
    finally:
        scope.depth -= 1
        if token is not None:
            _scope.reset(token)


def read_alias(model=None, *, force: bool = False) -> str:
    """The alias a read of ``model`` goes to now (``force``: as if inside ``replica_reads``)."""
    if not aliases():
        return DEFAULT_DB_ALIAS
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return DEFAULT_DB_ALIAS
    scope = _scope.get()
    if scope is not None and (scope._deciding or scope.wrote):
        return DEFAULT_DB_ALIAS
    if not force and (scope is None or not scope.wants_replica()):
        return DEFAULT_DB_ALIAS
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.in_atomic_block:
        return DEFAULT_DB_ALIAS
    if scope is not None and scope.pinned():
        return DEFAULT_DB_ALIAS
    alias = pick()
    if alias is None:
        return DEFAULT_DB_ALIAS
    follow_tenant(alias)
    return alias


def follow_tenant(alias: str) -> None:
    """Point ``alias``'s search path at the primary connection's tenant (django-tenants switches
    the default connection only)."""
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[alias]
    if (
        replica.schema_name != primary.schema_name
        or replica.include_public_schema != primary.include_public_schema
    ):
        replica.set_tenant(primary.tenant, primary.include_public_schema)


def note_write() -> None:
    scope = _scope.get()
    if scope is not None:
        scope.wrote = True


# ------------------------------------------------------------------ read-your-writes marker
def _identities(request) -> list[str]:
    """Who the request is: the signed-in user (every session and token of theirs) and the
    session; only without either, the client address (an anonymous form without a session). Not
    the address otherwise: everyone behind one proxy or NAT would read the primary."""
    from apps.core.clients import client_address

    found = []
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        found.append(f"u:{user.pk}")
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        found.append(f"s:{session.session_key}")
    if not found:
        address = client_address(request)
        if address:
            found.append(f"a:{address}")
    return found


def _key(identity: str) -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:rw:{identity}"


def remember_write(request) -> None:
    """Stamp the request's identities: their reads go to the primary for the window."""
    from apps.core.redis import redis_client

    window = setting("REPLICA_READ_YOUR_WRITES_SECONDS")
    stamp = repr(time.time())
    try:
        pipe = redis_client().pipeline(transaction=False)
        for identity in _identities(request):
            pipe.set(_key(identity), stamp, ex=int(window) + 1)
        pipe.execute()
    except Exception:
        logger.warning("read-your-writes marker not stored", exc_info=True)


def _wrote_recently(request) -> bool:
    from apps.core.redis import redis_client

    keys = [_key(identity) for identity in _identities(request)]
    if not keys:
        return False
    try:
        stamps = redis_client().mget(keys)
    except Exception:  # cannot tell: the primary is never wrong
        logger.warning("read-your-writes marker not read", exc_info=True)
        return True
    # time.time(), not Redis' clock: the stamp is ours, compared with our clock (and a test's)
    limit = time.time() - setting("REPLICA_READ_YOUR_WRITES_SECONDS")
    return any(stamp is not None and float(stamp) > limit for stamp in stamps)


class ReplicaRoutingMiddleware:
    """Opens the request's routing scope; after an unsafe method, stamps its identities. Placed
    before SessionMiddleware, so that the stamp comes after the session was saved (a session the
    request created has its key by then, and the next request carries it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _scope.set(_Scope(request=request))
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(token)
        if request.method not in SAFE_METHODS:
            remember_write(request)
        return response


# ------------------------------------------------------------------ the router
class ReplicaRouter:
    """Read routing, listed before django-tenants' TenantSyncRouter (which django-tenants insists
    on finding in DATABASE_ROUTERS, and which keeps deciding migrations: only ``default``, by the
    tenant's app list; replicas never migrate). Answers an alias every time, so a model instance
    read from a replica is saved, refreshed and followed through its relations by these rules
    rather than by the alias it came from."""

    def db_for_read(self, model, **hints):
        return read_alias(model)

    def db_for_write(self, model, **hints):
        note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        ours = {DEFAULT_DB_ALIAS, *aliases()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True
        return None
