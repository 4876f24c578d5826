"""Cache of resolution records: an in-process LRU, optionally in front of a shared Redis copy.

Keys are the lowercased handle. A warm hit is served from the in-process LRU with no network
round trip. On a local miss a ``shared`` fetch reads the Redis copy first (MGET of generation,
version and record) and the database only when Redis has no valid copy; a fetch that is not
``shared`` goes straight to its loader. Local registry records are shared by default, as the
design has it (``RESOLUTION_SHARED_CACHE``, on unless set to 0): a process that starts, or
whose LRU was cleared, finds the records other processes already read. Turning it off skips
Redis on the local path: the loader is one prepared index lookup on a PostgreSQL next to the
web processes, about the cost of the Redis round trip, so a miss that also misses Redis (the
long tail of a large registry) pays two round trips for one answer; off suits a database on the
same host, on suits a far or loaded one. tests/perf/bench_resolution.py measures the all-miss
case both ways. Upstream answers are always shared (their loader is an HTTP call to another
node). Correctness across processes does not depend on the Redis copy; it comes from
invalidation messages:

* Every process that serves resolutions runs one subscriber thread on a Redis pub/sub channel.
  While it is subscribed the local LRU is trusted; when the subscription drops, the LRU is
  cleared and not used again until the thread has re-subscribed (no message can be missed
  while an entry is trusted).
* ``invalidate_handle`` (called from ``transaction.on_commit`` after every create, update and
  withdrawal) INCRs the handle's version, deletes the shared Redis copy and PUBLISHes the
  handle. Each subscriber drops its local entry and acknowledges; the writer waits for as many
  acknowledgements as PUBLISH reported receivers, so when ``invalidate_handle`` returns no
  process serves the old value any more.
* A reader that loaded a value before an invalidation was processed must not install it after:
  the LRU keeps an epoch bumped by every invalidation message, and a value is installed only if
  the epoch did not move while it was being read.
* The Redis copy carries the version it was computed under (the handle's version and the
  global generation bumped by ``invalidate_all``); a reader that loaded from the database
  before a concurrent change's invalidation writes a copy tagged with the old version, which
  every later reader rejects (no stale copy can be re-installed by a race).
* A change that reaches records through a join (a template's name or default link, in every
  record of its identifiers) calls ``invalidate_all``: every process clears its LRU and the
  generation INCR retires every Redis copy at once.

If Redis loses its data (restart, flush) versions restart at 0; local entries are bounded by
``LOCAL_TTL`` and a lost subscription clears them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from apps.core import pids
from apps.core.redis import redis_client

logger = logging.getLogger(__name__)

# Found records: Redis keeps them long (invalidation is explicit); local copies are dropped by
# invalidation messages, the TTL only bounds memory and the Redis-flush case.
REDIS_TTL = 3600
LOCAL_TTL = 60
# Not-found answers are cached briefly; registration invalidates the handle on create anyway.
NOT_FOUND_TTL = 10
# How long a writer waits for every subscribed process to confirm an invalidation.
ACK_TIMEOUT = 2.0

MISSING = object()  # what LocalLRU.get returns for a key it does not hold
_NOT_FOUND = {"__nf__": True}
ALL = "*"  # the key list of an ``invalidate_all`` message (a handle always contains "/")


_namespace: str | None = None


def namespace() -> str:
    """Key prefix shared with the Django cache config (tests get their own key space); read
    once (every request counts under it), again after a test changes ``CACHES``."""
    global _namespace
    if _namespace is None:
        _namespace = f"{settings.CACHES['default'].get('KEY_PREFIX', 'pp')}:res"
    return _namespace


@receiver(setting_changed)
def _caches_changed(*, setting, **kwargs) -> None:
    global _namespace
    if setting == "CACHES":
        _namespace = None


def channel() -> str:
    # Pub/sub ignores the database number: put it in the channel name so nodes on other
    # databases of the same Redis never wait for each other's acknowledgements.
    db = redis_client().connection_pool.connection_kwargs.get("db", 0)
    return f"{namespace()}:{db}:invalidate"


def version_key(handle_ci: str) -> str:
    return f"{namespace()}:ver:{handle_ci}"


def record_key(handle_ci: str) -> str:
    return f"{namespace()}:rec:{handle_ci}"


def generation_key() -> str:
    """Bumped by ``invalidate_all``: part of every Redis copy's tag, so one INCR retires them all."""
    return f"{namespace()}:gen"


def ack_key(message_id: str) -> str:
    return f"{namespace()}:ack:{message_id}"


class LocalLRU:
    """Thread-safe LRU of (expires_at, record), trusted only while ``live`` (subscribed)."""

    def __init__(self, max_items: int):
        self.max_items = max_items
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.epoch = 0
        self.live = False

    def get(self, key: str) -> Any:
        if not self.live:
            return MISSING
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return MISSING
            if item[0] < time.monotonic():
                del self._data[key]
                return MISSING
            self._data.move_to_end(key)
            return item[1]

    def put_if(self, epoch: int, key: str, value: Any, ttl: float) -> None:
        """Install ``value`` unless an invalidation arrived since ``epoch`` was read."""
        with self._lock:
            if not self.live or self.epoch != epoch:
                return
            self._data[key] = (time.monotonic() + ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_items:
                self._data.popitem(last=False)

    def drop(self, keys) -> None:
        with self._lock:
            self.epoch += 1
            for key in keys:
                self._data.pop(key, None)

    def set_live(self, live: bool) -> None:
        with self._lock:
            self.epoch += 1
            self.live = live
            self._data.clear()

    def clear(self) -> None:
        with self._lock:
            self.epoch += 1
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


local = LocalLRU(settings.RESOLUTION_LOCAL_MAX)


class RecentChanges:
    """Handles invalidated in the last ``REPLICA_READ_YOUR_WRITES_SECONDS`` (with read replicas
    only): their misses read the primary, since a replica may not have replayed the change that
    the invalidation announced yet, and a stale record read then would be kept (in this process
    and in the Redis copy, tagged with the new version) until the next change. Everything counts
    as just changed after a subscription starts (what was announced before it is unknown) and
    after an ``invalidate_all``; past ``RECENT_MAX`` handles in the window, too."""

    RECENT_MAX = 10_000

    def __init__(self):
        self._until: OrderedDict[str, float] = OrderedDict()
        self._all_until = 0.0
        self._lock = threading.Lock()

    @staticmethod
    def _window() -> float:
        from apps.core.hot_settings import setting

        return setting("REPLICA_READ_YOUR_WRITES_SECONDS") if setting("DATABASE_REPLICAS") else 0.0

    def note(self, keys) -> None:
        window = self._window()
        if not window:
            return
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._until[key] = now + window
                self._until.move_to_end(key)
            while self._until and next(iter(self._until.values())) <= now:
                self._until.popitem(last=False)
            if len(self._until) > self.RECENT_MAX:
                self._all_until = now + window
                self._until.clear()

    def note_all(self) -> None:
        window = self._window()
        if window:
            with self._lock:
                self._all_until = time.monotonic() + window
                self._until.clear()

    def settled(self, handle_ci: str) -> bool:
        """May a replica answer a miss of ``handle_ci``? Not while this process cannot hear
        invalidations, nor within the window after one that named it."""
        if not local.live:
            return False
        now = time.monotonic()
        if self._all_until > now:
            return False
        until = self._until.get(handle_ci)
        return until is None or until <= now

    def clear(self) -> None:
        with self._lock:
            self._until.clear()
            self._all_until = 0.0


recent = RecentChanges()


class _Subscriber:
    """The per-process invalidation listener (a daemon thread, started lazily after fork)."""

    def __init__(self):
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.subscribed = threading.Event()

    def ensure(self) -> None:
        pid = pids.current()
        if self.pid == pid:
            return
        with self.lock:
            if self.pid == pid:
                return
            self.pid = pid
            self.subscribed = threading.Event()
            local.set_live(False)  # inherited from the parent: not covered by our subscription
            threading.Thread(target=self._run, name="resolution-invalidation", daemon=True).start()

    def _run(self) -> None:
        while True:
            pubsub = None
            try:
                client = redis.Redis.from_url(
                    settings.REDIS_URL, socket_connect_timeout=2, socket_keepalive=True
                )
                pubsub = client.pubsub()
                pubsub.subscribe(channel())
                for message in pubsub.listen():
                    kind = message.get("type")
                    if kind == "subscribe":
                        recent.note_all()
                        local.set_live(True)
                        self.subscribed.set()
                    elif kind == "message":
                        self._handle(client, message["data"])
            except Exception:  # Redis away: stop trusting the LRU until subscribed again
                logger.warning("resolution invalidation listener lost Redis; retrying", exc_info=True)
            local.set_live(False)
            self.subscribed.clear()
            if pubsub is not None:
                try:
                    pubsub.close()
                except Exception:
                    pass
            time.sleep(0.5)

    @staticmethod
    def _handle(client: redis.Redis, data: bytes) -> None:
        message_id, _, keys = data.decode().partition("|")
        if keys == ALL:
            recent.note_all()
            local.clear()
        else:
            recent.note(keys.split("\n") if keys else [])
            local.drop(keys.split("\n") if keys else [])
        if message_id:
            pipe = client.pipeline(transaction=False)
            pipe.rpush(ack_key(message_id), 1)
            pipe.expire(ack_key(message_id), 60)
            pipe.execute()


subscriber = _Subscriber()


def invalidate_handle(handle: str) -> None:
    """Forget the cached record of ``handle`` in every process. Call after commit."""
    invalidate_handles([handle])


def invalidate_handles(handles: list[str]) -> None:
    """Forget the cached records of ``handles`` in every process; returns once every subscribed
    process has dropped them (or after ``ACK_TIMEOUT``)."""
    keys = sorted({handle.lower() for handle in handles})
    if not keys:
        return
    recent.note(keys)
    local.drop(keys)
    client = redis_client()
    message_id = uuid.uuid4().hex
    pipe = client.pipeline(transaction=False)
    for handle_ci in keys:
        pipe.incr(version_key(handle_ci))
        pipe.delete(record_key(handle_ci))
    pipe.publish(channel(), message_id + "|" + "\n".join(keys))
    _await_acks(client, message_id, pipe.execute()[-1])


def invalidate_all() -> None:
    """Forget every cached record in every process: for a change that reaches records through a
    join rather than their own row (a template's name or default link). Rare admin writes, so a
    cold cache for a moment beats tracking which handles use what: the Redis copies are retired
    by one INCR of the generation in their tag, not by a key per identifier."""
    recent.note_all()
    local.clear()
    client = redis_client()
    message_id = uuid.uuid4().hex
    pipe = client.pipeline(transaction=False)
    pipe.incr(generation_key())
    pipe.publish(channel(), message_id + "|" + ALL)
    _await_acks(client, message_id, pipe.execute()[-1])


def _await_acks(client: redis.Redis, message_id: str, receivers: int) -> None:
    deadline = time.monotonic() + ACK_TIMEOUT
    acked = 0
    while acked < receivers:
        left = deadline - time.monotonic()
        if left <= 0:
            logger.warning("resolution invalidation: %s of %s processes confirmed", acked, receivers)
            break
        if client.blpop([ack_key(message_id)], timeout=max(0.01, left)) is None:
            continue
        acked += 1
    client.delete(ack_key(message_id))


def fetch(
    handle_ci: str,
    loader: Callable[[str], dict | None],
    *,
    ttl: int | Callable[[dict], int] = REDIS_TTL,
    not_found_ttl: int = NOT_FOUND_TTL,
    shared: bool = True,
    defer_fill: bool = True,
) -> dict | None:
    """The record of ``handle_ci`` or None; ``loader`` reads the database (or an upstream) on a
    miss and returns a JSON-able dict or None.

    Not ``shared``: a local miss costs the loader alone (no Redis round trip). ``shared``: the
    Redis copy is read first; the copy of a miss is written by the background pusher
    (``defer_fill``, see ``queue_fill``) or, when the loader is expensive enough that other
    processes should find the copy at once (an upstream resolver), inline."""
    subscriber.ensure()
    value = local.get(handle_ci)
    if value is not MISSING:
        return None if value is _NOT_FOUND else value

    epoch = local.epoch
    if not shared:
        record = loader(handle_ci)
        _keep_local(epoch, handle_ci, record, not_found_ttl)
        return record

    client = redis_client()
    version, found, value = _shared_copy(
        epoch,
        handle_ci,
        client.mget(generation_key(), version_key(handle_ci), record_key(handle_ci)),
        not_found_ttl,
    )
    if found:
        return value
    record = loader(handle_ci)
    _keep(epoch, handle_ci, version, record, ttl, not_found_ttl, None if defer_fill else client)
    return record


def keep_local_many(epoch: int, records: dict[str, dict | None], not_found_ttl: int = NOT_FOUND_TTL) -> None:
    """Keep records read together since ``epoch`` (None: no such handle) in this process, as
    ``fetch(shared=False)`` keeps one: not at all if an invalidation arrived meanwhile."""
    for handle_ci, record in records.items():
        _keep_local(epoch, handle_ci, record, not_found_ttl)


def _keep_local(epoch: int, handle_ci: str, record: dict | None, not_found_ttl: int) -> None:
    if record is None:
        local.put_if(epoch, handle_ci, _NOT_FOUND, min(LOCAL_TTL, not_found_ttl))
    else:
        local.put_if(epoch, handle_ci, record, LOCAL_TTL)


def _shared_copy(epoch: int, handle_ci: str, reply: list, not_found_ttl: int) -> tuple[bytes, bool, Any]:
    """From the MGET of generation, version and copy: (the version tag now, a valid copy?, it)."""
    generation, version, raw = reply
    version = (generation or b"0") + b"." + (version or b"0")
    if raw is not None:
        tag, _, body = raw.partition(b"|")
        if tag == version:
            value = json.loads(body)
            if value == _NOT_FOUND:
                local.put_if(epoch, handle_ci, _NOT_FOUND, min(LOCAL_TTL, not_found_ttl))
                return version, True, None
            local.put_if(epoch, handle_ci, value, LOCAL_TTL)
            return version, True, value
    return version, False, None


def _keep(epoch, handle_ci, version, record, ttl, not_found_ttl, write_now: redis.Redis | None) -> None:
    """Keep what the loader read: locally, and as the Redis copy tagged with ``version`` (written
    inline through ``write_now``, or queued for the background pusher)."""
    stored = record if record is not None else _NOT_FOUND
    if record is None:
        expiry = not_found_ttl
    else:
        expiry = ttl(record) if callable(ttl) else ttl
    if expiry > 0:
        payload = version + b"|" + json.dumps(stored, ensure_ascii=False).encode()
        if write_now is None:
            queue_fill(record_key(handle_ci), payload, expiry)
        else:
            write_now.set(record_key(handle_ci), payload, ex=expiry)
        local.put_if(epoch, handle_ci, stored, min(LOCAL_TTL, expiry))


# ------------------------------------------------------------------ deferred cache fills
# A miss costs one Redis round trip (the MGET above), not two: the copy it computed is not
# SET inline but queued here and written by the counters thread in the same pipelined round
# trip as the counters and rate-limit hits (``counters.queue_pending``), a fraction of a second
# later. Safe because the copy is tagged with the version read before the database: if the
# handle changed meanwhile, its version was INCRed and every reader rejects the late copy.
FILL_QUEUE_MAX = 50_000
_fills_lock = threading.Lock()
_fills: dict[str, tuple[bytes, int]] = {}


def queue_fill(key: str, payload: bytes, expiry: int) -> None:
    with _fills_lock:
        if len(_fills) < FILL_QUEUE_MAX or key in _fills:  # Redis away: it is only a cache
            _fills[key] = (payload, expiry)
    if _flusher_started != pids.current():
        _start_flusher()


def take_fills() -> dict[str, tuple[bytes, int]]:
    global _fills
    if not _fills:
        return {}
    with _fills_lock:
        taken, _fills = _fills, {}
    return taken


def has_fills() -> bool:
    return bool(_fills)


_flusher_started: int | None = None


def _start_flusher() -> None:
    global _flusher_started
    from apps.resolution import counters  # counters imports this module

    counters.ensure_flusher()
    _flusher_started = pids.current()
