"""Resolution counters and the per-client rate limit, in Redis (never a database row per request).

A request only touches this process's memory: counts, latency buckets, top handles and
rate-limit hits are added up locally and pushed to Redis by a daemon thread in one pipelined
round trip every ``PUSH_INTERVAL`` (``HINCRBY``/``ZINCRBY``/``INCRBY``), together with the
Redis copies of records read from the database since the last push (``cache.queue_fill``). The beat task
``flush_resolution_counters`` moves complete data into ``ResolutionStat`` rows.
"""

from __future__ import annotations

import atexit
import bisect
import datetime as dt
import functools
import threading
import time

from apps.core import pids
from apps.core.hot_settings import setting
from apps.resolution import cache
from apps.resolution.cache import namespace, redis_client

# Upper bounds (ms) of the latency histogram; a last implicit bucket holds everything slower.
LATENCY_BUCKETS_MS = (
    0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000,
)  # fmt: skip
COUNTER_TTL = 3 * 24 * 3600
TOP_KEEP = 50


_hour_tag: tuple[int, str] = (-1, "")  # (hours since the epoch, its tag): one strftime an hour


def hour_tag(ts: float | None = None) -> str:
    global _hour_tag
    ts = time.time() if ts is None else ts
    hour = int(ts // 3600)
    known = _hour_tag
    if known[0] != hour:
        known = _hour_tag = (hour, time.strftime("%Y%m%d%H", time.gmtime(ts)))
    return known[1]


def hours_key() -> str:
    return f"{namespace()}:hours"


def count_key(hour: str) -> str:
    return f"{namespace()}:cnt:{hour}"


def latency_key(hour: str, prefix: str) -> str:
    return f"{namespace()}:lat:{hour}:{prefix}"


def top_key(hour: str, prefix: str) -> str:
    return f"{namespace()}:top:{hour}:{prefix}"


def bucket_of(ms: float) -> int:
    return bisect.bisect_left(LATENCY_BUCKETS_MS, ms)


class _Buffer:
    """Counts of this process since its last push to Redis (pushed by the daemon thread every
    ``PUSH_INTERVAL``, so Redis is a fraction of a second behind the traffic)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str], int] = {}
        self.latency: dict[tuple[str, str, int], int] = {}
        self.top: dict[tuple[str, str, str], int] = {}
        self.last_push = time.monotonic()
        self.last_top_push = self.last_push
        self.pid = None

    def take(self, *, top: bool = True):
        """The counts since the last push; the top handles' only with ``top`` (they are pushed
        less often: see ``TOP_PUSH_INTERVAL``)."""
        with self.lock:
            data = (self.counts, self.latency, self.top if top else {})
            self.counts, self.latency = {}, {}
            now = time.monotonic()
            if top:
                self.top = {}
                self.last_top_push = now
            self.last_push = now
        return data


_buffer = _Buffer()
PUSH_INTERVAL = 0.1
# The top handles are one ZINCRBY per distinct handle resolved since the last push: pushed every
# 0.1 s, a warm server spread over many handles spent a tenth of a core building those commands.
# Added up over a second instead they cost several times less, and the top lists (dashboards,
# hourly rows) are a second behind rather than a tenth.
TOP_PUSH_INTERVAL = 1.0


def record(prefix: str, handle: str | None, elapsed_ms: float, *, found: bool) -> None:
    """Count one resolution of ``prefix`` (``handle`` when found) with its latency."""
    hour = hour_tag()
    prefix = prefix.lower()[:64]
    bucket = bucket_of(elapsed_ms)
    b = _buffer
    with b.lock:
        key = (hour, prefix)
        b.counts[key] = b.counts.get(key, 0) + 1
        if not found:
            nf = (hour, f"{prefix}\x00nf")
            b.counts[nf] = b.counts.get(nf, 0) + 1
        lk = (hour, prefix, bucket)
        b.latency[lk] = b.latency.get(lk, 0) + 1
        if handle is not None:
            tk = (hour, prefix, handle)
            b.top[tk] = b.top.get(tk, 0) + 1
    ensure_flusher()


def queue_pending(pipe, *, everything: bool = True) -> list:
    """Add this process's pending counts and rate-limit hits to ``pipe``; returns the rate-limit
    entries queued (their INCRBY results come back in the same order, first). The top handles go
    too when ``everything`` or every ``TOP_PUSH_INTERVAL``."""
    limits = _limiter.take()
    for key, n, _window in limits:
        pipe.incrby(key, n)
    for key, _n, window in limits:
        pipe.expire(key, window + 1)
    for key, (payload, expiry) in cache.take_fills().items():  # record copies of recent misses
        pipe.set(key, payload, ex=expiry)
    b = _buffer
    with_top = bool(b.top) and (everything or time.monotonic() - b.last_top_push >= TOP_PUSH_INTERVAL)
    if not b.counts and not with_top:
        return limits
    counts, latency, top = b.take(top=with_top)
    hours = set()
    # One EVAL carries every increment of the push (the same keys and fields as separate
    # HINCRBY/ZINCRBY/EXPIRE commands would write): the latency and top keys are per prefix, so
    # traffic spread over many enterprises' prefixes made a push several commands per request
    # to build, send and parse (issue 18: at 10,000 enterprises the resolution server spent a
    # third of its throughput on them).
    args: list = [COUNTER_TTL]
    for (hour, field), n in counts.items():
        args += ("h", count_key(hour), field, n)
        hours.add(hour)
    for (hour, prefix, bucket), n in latency.items():
        args += ("h", latency_key(hour, prefix), bucket, n)
    for (hour, prefix, handle), n in top.items():
        args += ("z", top_key(hour, prefix), handle, n)
    if len(args) > 1:
        pipe.eval(_INCREMENTS, 0, *args)
    for hour in hours:
        pipe.sadd(hours_key(), hour)
    return limits


# ARGV: the TTL, then (kind, key, field, amount) per increment: kind "h" HINCRBY, "z" ZINCRBY.
# Each key touched gets the TTL once. (Keys travel in ARGV: one Redis, not a cluster.)
_INCREMENTS = """
local ttl = ARGV[1]
local seen = {}
for i = 2, #ARGV, 4 do
  local key = ARGV[i + 1]
  if ARGV[i] == "h" then
    redis.call("HINCRBY", key, ARGV[i + 2], ARGV[i + 3])
  else
    redis.call("ZINCRBY", key, ARGV[i + 3], ARGV[i + 2])
  end
  if not seen[key] then
    seen[key] = true
    redis.call("EXPIRE", key, ttl)
  end
end
return 0
"""


_push_lock = threading.Lock()


def push_pending(*, everything: bool = True) -> None:
    """Write this process's pending counts and rate-limit hits to Redis now (the top handles
    every ``TOP_PUSH_INTERVAL`` unless ``everything``). Serialised, so a caller (``drain``)
    returns only after a push the pusher thread had in flight has landed."""
    with _push_lock:
        pipe = redis_client().pipeline(transaction=False)
        limits = queue_pending(pipe, everything=everything)
        if len(pipe) == 0:
            return
        try:
            results = pipe.execute()
        except Exception:
            _limiter.restore(limits)
            raise
        _limiter.settle(limits, results[: len(limits)])


def ensure_flusher() -> None:
    """Start this process's pusher thread (once per process, after fork)."""
    pid = pids.current()
    if _buffer.pid == pid:
        return
    with _buffer.lock:
        if _buffer.pid == pid:
            return
        _buffer.pid = pid

    def loop():
        while True:
            time.sleep(PUSH_INTERVAL)
            if _buffer.counts or _buffer.top or _limiter.pending or cache.has_fills():
                try:
                    push_pending(everything=False)
                except Exception:  # Redis briefly away: keep counting, retry next tick
                    pass

    threading.Thread(target=loop, name="resolution-counters", daemon=True).start()
    atexit.register(push_pending)


# ------------------------------------------------------------------ rate limit
@functools.lru_cache(maxsize=8)
def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"600/m"`` → (600, 60). Empty or ``0`` disables the limit."""
    rate = (rate or "").strip()
    if not rate or rate == "0":
        return None
    count, _, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get((period or "m").strip()[:1].lower())
    if seconds is None:
        digits = "".join(ch for ch in period if ch.isdigit())
        seconds = int(digits) if digits else 60
    return int(count), seconds


class _Limiter:
    """Fixed-window per-client counters: hits are counted in process and pushed with the
    stats (``INCRBY``); the decision uses the window's total as Redis last reported it plus
    this process's hits since. Other processes' hits are seen within ``PUSH_INTERVAL``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending: dict[str, int] = {}  # key → hits not pushed yet
        self.inflight: dict[str, int] = {}  # key → hits being pushed right now
        self.known: dict[str, int] = {}  # key → window total from the last push
        self.windows: dict[str, int] = {}  # key → window length (for EXPIRE)

    def hit(self, key: str, window: int) -> int:
        with self.lock:
            n = self.pending.get(key, 0) + 1
            self.pending[key] = n
            self.windows[key] = window
            return self.known.get(key, 0) + self.inflight.get(key, 0) + n

    def total(self, key: str) -> int:
        with self.lock:
            return self.known.get(key, 0) + self.inflight.get(key, 0) + self.pending.get(key, 0)

    def take(self) -> list[tuple[str, int, int]]:
        with self.lock:
            taken = [(key, n, self.windows.get(key, 60)) for key, n in self.pending.items()]
            for key, n, _window in taken:
                self.inflight[key] = self.inflight.get(key, 0) + n
            self.pending = {}
        return taken

    def settle(self, taken, totals) -> None:
        with self.lock:
            for (key, n, _window), total in zip(taken, totals, strict=True):
                self.inflight[key] = self.inflight.get(key, 0) - n
                if self.inflight[key] <= 0:
                    del self.inflight[key]
                self.known[key] = int(total)
            # forget finished windows (their keys end in the window start)
            now = int(time.time())
            for key in [k for k in self.known if k not in self.pending and k not in self.inflight]:
                start = int(key.rsplit(":", 1)[1])
                if start + self.windows.get(key, 60) < now:
                    self.known.pop(key, None)
                    self.windows.pop(key, None)

    def restore(self, taken) -> None:
        with self.lock:
            for key, n, _window in taken:
                self.inflight[key] = self.inflight.get(key, 0) - n
                if self.inflight[key] <= 0:
                    self.inflight.pop(key, None)
                self.pending[key] = self.pending.get(key, 0) + n

    def reset(self) -> None:
        with self.lock:
            self.pending, self.inflight, self.known, self.windows = {}, {}, {}, {}


_limiter = _Limiter()


def _rate_window(client_id: str) -> tuple[str, int, int, int] | None:
    """(counter key, limit, window, seconds to window end) of ``client_id`` now; None: no limit."""
    parsed = parse_rate(setting("RESOLUTION_RATE_LIMIT"))
    if parsed is None:
        return None
    limit, window = parsed
    now = int(time.time())
    start = now - now % window
    return f"{namespace()}:rl:{client_id}:{start}", limit, window, start + window - now


def rate_limit_hit(client_id: str) -> tuple[bool, int]:
    """Count one request of ``client_id``. Returns (over the limit?, seconds to window end)."""
    current = _rate_window(client_id)
    if current is None:
        return False, 0
    key, limit, window, retry_after = current
    total = _limiter.hit(key, window)
    ensure_flusher()
    return total > limit, retry_after


def rate_limit_spent(client_id: str) -> bool:
    """Will ``client_id``'s next request be refused? Counts nothing (a server that reads a miss
    before the pipeline runs asks first, so a refused client costs no database read)."""
    current = _rate_window(client_id)
    return current is not None and _limiter.total(current[0]) >= current[1]


def reset_local() -> None:
    """Forget this process's unpushed counts and rate-limit state (tests)."""
    _buffer.take()
    _limiter.reset()
    cache.take_fills()


# ------------------------------------------------------------------ flush
def percentile(buckets: list[int], fraction: float) -> float | None:
    """Upper bound (ms) of the bucket holding the given fraction of requests."""
    total = sum(buckets)
    if not total:
        return None
    target = fraction * total
    running = 0
    for i, n in enumerate(buckets):
        running += n
        if running >= target:
            return LATENCY_BUCKETS_MS[i] if i < len(LATENCY_BUCKETS_MS) else LATENCY_BUCKETS_MS[-1] * 2
    return LATENCY_BUCKETS_MS[-1] * 2


def merge_buckets(a: list[int], b: list[int]) -> list[int]:
    size = len(LATENCY_BUCKETS_MS) + 1
    a = list(a or []) + [0] * (size - len(a or []))
    b = list(b or []) + [0] * (size - len(b or []))
    return [x + y for x, y in zip(a, b, strict=False)][:size]


def drain() -> list[dict]:
    """Take every counted hour out of Redis atomically (RENAME), return per (hour, prefix) data.

    Counting continues into fresh keys meanwhile; a later drain adds to the same rows.
    """
    push_pending()  # this process's own not-yet-pushed counts
    client = redis_client()
    out: dict[tuple[str, str], dict] = {}
    current = hour_tag()
    for raw_hour in client.smembers(hours_key()):
        hour = raw_hour.decode()
        src = count_key(hour)
        tmp = f"{src}:drain"
        try:
            client.rename(src, tmp)
        except Exception:  # key absent: nothing counted since the last drain
            if hour != current:
                client.srem(hours_key(), hour)
            continue
        counts = {k.decode(): int(v) for k, v in client.hgetall(tmp).items()}
        client.delete(tmp)
        for field, n in counts.items():
            prefix, _, kind = field.partition("\x00")
            row = out.setdefault((hour, prefix), {"count": 0, "not_found": 0, "buckets": [], "top": {}})
            if kind == "nf":
                row["not_found"] += n
            else:
                row["count"] += n
        for (h, prefix), row in out.items():
            if h != hour:
                continue
            for key, target in ((latency_key(hour, prefix), "buckets"), (top_key(hour, prefix), "top")):
                tmp_key = f"{key}:drain"
                try:
                    client.rename(key, tmp_key)
                except Exception:
                    continue
                if target == "buckets":
                    raw = client.hgetall(tmp_key)
                    buckets = [0] * (len(LATENCY_BUCKETS_MS) + 1)
                    for k, v in raw.items():
                        buckets[min(int(k), len(buckets) - 1)] += int(v)
                    row["buckets"] = buckets
                else:
                    row["top"] = {
                        m.decode(): int(s)
                        for m, s in client.zrevrange(tmp_key, 0, TOP_KEEP - 1, withscores=True)
                    }
                client.delete(tmp_key)
    result = []
    for (hour, prefix), row in out.items():
        when = dt.datetime.strptime(hour, "%Y%m%d%H").replace(tzinfo=dt.UTC)
        result.append({"hour": when, "prefix": prefix, **row})
    return result
