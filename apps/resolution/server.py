"""The resolution server: an ASGI application for granian that answers the read-only resolution
endpoints itself, through the same pipeline as the Django views (apps.resolution.pipeline).

    granian --interface asgi --workers 2 apps.resolution.server:app

Served here, for the park domain (the public tenant): ``GET/HEAD/OPTIONS /api/handles/<handle>``
with every filter and response code, and the JSON, 307 redirect and linkset forms of
``/<handle>``, with CORS, HEAD, the rate limit (429 + Retry-After), the trusted-proxy client
address and ``X-Request-ID``. Every answer is computed on the event loop by the pipeline, from
this process's memory (the record, the counters and the rate limit). A miss of a local registry
record is read without blocking, over psycopg's ``AsyncConnectionPool``: the misses that arrive
together go in one query (``selectors.local_records_sql``, the Django selector's lookup for many
handles, prepared), each row built into the record by the same function
(``selectors.local_record_from_row``) and kept by the same cache rules
(``cache.keep_local_many``); the pipeline then finds it warm. This server does not read or write
the Redis copy of local records (``RESOLUTION_SHARED_CACHE``): one batched registry read costs
less than the Redis round trip it would save. What still runs on a thread (``_blocking``,
Django's connection): the park's prefix root when its 30 s copy expires, a Host not seen for 30 s, handles of other prefixes
(the upstream resolver is asked with urllib, with its circuit breaker) and the rare miss whose
read was overtaken by an invalidation.

Everything else goes to Django's own ASGI application in this process (no HTTP hop), under the
same conditions as Django's fast path (``ResolutionFastPathMiddleware``): requests with
credentials or ``auth=true`` (token or session user), another tenant's domain, an unknown Host,
``?lang=``, the HTML page (rendered from this server's answer, not resolved twice:
``views.PAGE_SCOPE_KEY``), ``/identityv2/data/detail`` (the SNMS bearer token is the sync app's),
and any other path. In production nginx routes only the resolution paths here
(deploy/nginx/park-portal.conf); ``make run`` serves the whole portal through this application.

Cache invalidation arrives over the Redis channel every web process subscribes to
(apps.resolution.cache), counters are added up in process and pushed in batches
(apps.resolution.counters): both already work per process, so nothing here re-implements them.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

from psycopg_pool import AsyncConnectionPool

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "park_portal.settings")
# Django under ASGI runs each request's sync code on a thread of its own, so a persistent
# connection is left behind per concurrent request that reaches Django here (32 at once went past
# PostgreSQL's max_connections). Django's deployment notes say to turn persistent connections off
# under ASGI: each request's connection closes when it ends. The registry reads of this server go
# over its own pool below; the few blocking reads keep one connection per thread of _blocking.
os.environ["DB_CONN_MAX_AGE"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.http.cookie import parse_cookie  # noqa: E402
from django.http.request import split_domain_port, validate_host  # noqa: E402
from django.utils import translation  # noqa: E402
from django_tenants.utils import get_public_schema_name, remove_www  # noqa: E402

from apps.core import pids, replicas  # noqa: E402
from apps.core.clients import forwarded_client  # noqa: E402
from apps.core.hot_settings import setting  # noqa: E402
from apps.core.middleware import LANGUAGE_COOKIE  # noqa: E402
from apps.resolution import cache, counters, pipeline, resolver, selectors, views  # noqa: E402
from apps.resolution.middleware import HANDLE_API  # noqa: E402 - the fast path's prefix, one spelling

django_app = get_asgi_application()
logger = logging.getLogger(__name__)

HANDLE_PAGE = re.compile(r"^/[0-9][^/]*\.[^/]*(?:/.*)?$")  # protocol_urls' catch-all, with its '/'
HOST_CACHE_SECONDS = 30
# A request answered on the event loop needs the park's prefix root in memory until it is done
# (it is looked up again inside the pipeline): with less than this left, it goes to a thread,
# which reads the root again (a request that crossed the expiry on the loop would query there).
PARK_ROOT_MARGIN = 1.0
HOST_CACHE_MAX = 1024
SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}
_blocking = ThreadPoolExecutor(
    max_workers=int(os.environ.get("RESOLUTION_MISS_THREADS", "4")), thread_name_prefix="resolution-blocking"
)
# Connections of this process's async pool: one per batch of misses in flight (_MissBatcher).
DB_POOL_SIZE = int(os.environ.get("RESOLUTION_DB_POOL", "2"))
_pool: AsyncConnectionPool | None = None
# With read replicas (settings.DATABASE_REPLICAS) one pool per replica: misses read a usable one
# (apps.core.replicas.pick) unless the handle changed within the read-your-writes window.
_replica_pools: dict[str, AsyncConnectionPool] = {}
POOL_APPLICATION_NAME = "park-portal-resolution"
_hosts: dict[str, tuple[float, bool]] = {}  # Host header → (expires at, the park's own domain?)


def _is_public_host(hostname: str) -> bool:
    """Does ``hostname`` belong to the public tenant (the park domain)? Blocking: a thread's."""
    from apps.tenants.models import Domain

    schema = Domain.objects.filter(domain=hostname).values_list("tenant__schema_name", flat=True).first()
    return schema == get_public_schema_name()


async def _public_host(host: str) -> bool:
    """Kept per Host header as sent (port and all) for ``HOST_CACHE_SECONDS``."""
    hit = _hosts.get(host)
    now = time.monotonic()
    if hit is not None and hit[0] >= now:
        return hit[1]
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        public = False  # Django answers 400 for it
    else:
        public = await asyncio.get_running_loop().run_in_executor(
            _blocking, _is_public_host, remove_www(domain)
        )
    if len(_hosts) >= HOST_CACHE_MAX:  # Host is the client's to choose: keep the table bounded
        _hosts.clear()
    _hosts[host] = (now + HOST_CACHE_SECONDS, public)
    return public


_request_ids: tuple[int, str, itertools.count] | None = None


def _request_id() -> str:
    """A request id of the form Django's middleware gives (32 hex digits), unique without a
    system call per request: 16 random digits per process, then a counter."""
    global _request_ids
    pid = pids.current()
    if _request_ids is None or _request_ids[0] != pid:  # first request, or a forked worker
        _request_ids = (pid, os.urandom(8).hex(), itertools.count(1))
    return f"{_request_ids[1]}{next(_request_ids[2]):016x}"


def _warm(handle: str, parts: tuple[str, str] | None) -> bool:
    """Will the pipeline answer ``handle`` (split: ``parts``) from this process's memory (no
    Redis, no database)?"""
    if parts is None:
        return True
    if not selectors.park_root_cached(PARK_ROOT_MARGIN):
        return False  # the park's prefix root is read again (a query)
    prefix_ci = parts[0].lower()
    return selectors.is_local_prefix(prefix_ci) and cache.local.get(handle.lower()) is not cache.MISSING


def _db_pool(alias: str = "default") -> AsyncConnectionPool:
    """The registry's async pool, with Django's connection settings of ``alias`` (not opened
    yet). A replica's keeps no connection open and waits for one no longer than its connect
    timeout: a replica that is down costs one batch that wait, then the primary reads."""
    from django.db import connections

    params = {
        name: value
        for name, value in connections[alias].get_connection_params().items()
        if name not in ("cursor_factory", "context")  # Django's own (client-side binding, adapters)
    }
    params["autocommit"] = True  # one statement: no BEGIN/COMMIT round trips
    params["application_name"] = POOL_APPLICATION_NAME  # its sessions, told apart in pg_stat_activity
    if alias == "default":
        return AsyncConnectionPool(min_size=1, max_size=DB_POOL_SIZE, kwargs=params, open=False)
    wait = float(setting("REPLICA_CONNECT_TIMEOUT"))
    return AsyncConnectionPool(
        min_size=0, max_size=DB_POOL_SIZE, kwargs=params, open=False, timeout=wait, reconnect_timeout=wait
    )


async def _read_records(keys: list[str]) -> list[tuple]:
    """The registry rows of ``keys``: from a usable replica for the handles that did not change
    lately (``cache.recent``), from the primary for the others and when the replica fails."""
    alias = replicas.pick() if _replica_pools else None
    on_primary = keys
    rows: list[tuple] = []
    if alias in _replica_pools:
        settled = [key for key in keys if cache.recent.settled(key)]
        on_primary = [key for key in keys if not cache.recent.settled(key)] if settled else keys
        if settled:
            try:
                async with _replica_pools[alias].connection() as conn:
                    cursor = await conn.execute(selectors.local_records_sql(), (settled,), prepare=True)
                    rows = await cursor.fetchall()
            except Exception as exc:  # down or gone: the primary answers this batch
                replicas.mark_down(alias, exc)
                on_primary, rows = keys, []
    if on_primary:
        async with _pool.connection() as conn:
            cursor = await conn.execute(selectors.local_records_sql(), (on_primary,), prepare=True)
            rows += await cursor.fetchall()
    return rows


class _MissBatcher:
    """Reads the local registry records this process misses, many per round trip: misses that
    arrive while the loaders are busy wait together and go in one ``local_records_sql`` query
    (up to ``BATCH_MAX``), so the cost of a database round trip is shared by every request that
    arrived meanwhile (under load dozens, on a quiet server one). ``LOADERS`` queries run at
    once, one per connection of the pool. Records are kept by the cache's rules (``cache.keep_local_many``: not at all if an
    invalidation arrived during the read, and then the request reads again on a thread)."""

    LOADERS = DB_POOL_SIZE  # batches in flight at once, one pool connection each
    BATCH_MAX = 256

    def __init__(self):
        self.pending: dict[str, list[asyncio.Future]] = {}
        self.wake: asyncio.Event | None = None
        self.loaders: list[asyncio.Task] = []

    def start(self) -> None:
        self.wake = asyncio.Event()
        self.loaders = [asyncio.create_task(self._loader()) for _ in range(self.LOADERS)]

    async def stop(self) -> None:
        for task in self.loaders:
            task.cancel()
        await asyncio.gather(*self.loaders, return_exceptions=True)
        self.loaders = []

    async def load(self, handle_ci: str) -> None:
        """Returns once ``handle_ci`` was read (kept, unless an invalidation overtook it)."""
        waiter = asyncio.get_running_loop().create_future()
        self.pending.setdefault(handle_ci, []).append(waiter)
        self.wake.set()
        await waiter

    async def _loader(self) -> None:
        while True:
            await self.wake.wait()
            if not self.pending:
                self.wake.clear()
                continue
            keys = list(itertools.islice(self.pending, self.BATCH_MAX))
            batch = {key: self.pending.pop(key) for key in keys}
            if not self.pending:
                self.wake.clear()
            epoch = cache.local.epoch
            try:
                rows = await _read_records(keys)
                records: dict[str, dict | None] = dict.fromkeys(keys)
                for row in rows:
                    record = selectors.local_record_from_row(row)
                    records[record["handle"].lower()] = record
                cache.keep_local_many(epoch, records)
            except Exception as exc:  # each request reads again on a thread (and fails as Django)
                logger.warning("async read of %s handles failed", len(keys), exc_info=True)
                for waiters in batch.values():
                    for waiter in waiters:
                        if not waiter.done():
                            waiter.set_exception(exc)
                continue
            for waiters in batch.values():
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)


_misses = _MissBatcher()
FULL_COLLECTION_AFTER = 1_000_000  # generation-1 collections between two full ones (CPython: 10)


async def _without_blocking(handle: str, parts: tuple[str, str] | None, client: str) -> bool:
    """Can the pipeline answer ``handle`` on the event loop? Reads a local registry record it
    misses first (in a batch with the other misses, over the async pool) into this process's
    cache."""
    if _warm(handle, parts):
        return True
    if counters.rate_limit_spent(client):
        return True  # refused before any record is read
    if _pool is None or parts is None or not selectors.park_root_cached(PARK_ROOT_MARGIN):
        return False
    if not selectors.is_local_prefix(parts[0].lower()):
        return False  # the upstream resolver's (urllib, on a thread)
    try:
        await _misses.load(handle.lower())
    except Exception:  # the thread path reads it again and fails as the Django view does
        return False
    return _warm(handle, parts)  # False: an invalidation overtook the read (not kept), read it again


_proxy_ssl: tuple[object, str | None, str | None] = (None, None, None)


def _scheme(default: str, headers: dict[str, str]) -> str:
    """``request.scheme`` as Django computes it behind ``SECURE_PROXY_SSL_HEADER`` (the
    header's name as sent worked out once per value of the setting)."""
    global _proxy_ssl
    configured = setting("SECURE_PROXY_SSL_HEADER")
    if _proxy_ssl[0] is not configured:
        header, secure = configured or (None, None)
        name = header.removeprefix("HTTP_").replace("_", "-").lower() if header else None
        _proxy_ssl = (configured, name, secure)
    _configured, name, secure = _proxy_ssl
    if name:
        value = headers.get(name)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure else "http"
    return default


# The rate-limit bucket of a (connecting address, X-Forwarded-For) pair: the same few pairs come
# again and again (a connection keeps its address, a proxy its chain). Bounded like the others;
# emptied when the trusted proxies change (hot settings).
_clients: dict[tuple[str | None, str], str] = {}
_clients_for: object = None
CLIENTS_MAX = 4096


def _client(remote: str | None, forwarded_for: str) -> str:
    global _clients_for
    trusted = setting("TRUSTED_PROXIES")
    if trusted is not _clients_for:
        _clients.clear()
        _clients_for = trusted
    key = (remote, forwarded_for)
    client = _clients.get(key)
    if client is None:
        client = forwarded_client(remote, forwarded_for) or "unknown"
        if len(_clients) >= CLIENTS_MAX:
            _clients.clear()
        _clients[key] = client
    return client


# A reply's header list as ASGI wants it (lowercase bytes names, latin-1 values), kept per
# distinct header set: a warm answer's headers repeat request after request (the same CORS pair,
# the same content type), so they are encoded once, not per request. Bounded (a Location or a
# Retry-After varies): the table is emptied when full.
_encoded_headers: dict[tuple, list[tuple[bytes, bytes]]] = {}
ENCODED_HEADERS_MAX = 4096


def _encoded(reply: pipeline.Reply, extra: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    key = (reply.content_type, *reply.headers, *extra)
    headers = _encoded_headers.get(key)
    if headers is None:
        headers = [(b"content-type", reply.content_type.encode())]
        headers += [(name.lower().encode(), value.encode("latin-1")) for name, value in reply.headers + extra]
        if len(_encoded_headers) >= ENCODED_HEADERS_MAX:
            _encoded_headers.clear()
        _encoded_headers[key] = headers
    return headers


async def _startup() -> None:
    global _pool
    cache.subscriber.ensure()  # subscribe before the first request
    _pool = _db_pool()
    await _pool.open()
    for alias in replicas.aliases():
        _replica_pools[alias] = _db_pool(alias)
        await _replica_pools[alias].open(wait=False)
    _misses.start()
    # What Django and this server built at start-up (130,000 objects) lives as long as
    # the process: out of the cyclic collector's sight, its collections walk only what
    # requests allocate (about 40% less CPU per warm request measured in process).
    gc.freeze()
    # The cached records are millions of small dicts and lists and never form cycles;
    # a full collection walks them all (seconds with 1,000,000 records: the bench's fill
    # saw 2 s client timeouts). Young generations are still collected as usual; a full
    # collection comes after a million of theirs instead of ten.
    gc.set_threshold(gc.get_threshold()[0], gc.get_threshold()[1], FULL_COLLECTION_AFTER)


async def _shutdown() -> None:
    _blocking.shutdown(wait=False)
    await _misses.stop()
    if _pool is not None:
        await _pool.close()
    for replica_pool in _replica_pools.values():
        await replica_pool.close()
    _replica_pools.clear()


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await _startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return


def _headers(scope: dict) -> dict[str, str]:
    """The request's headers by name. ASGI servers send the names lowercase (granian does:
    its HTTP layer keeps names lowercase), so they are not lowered again here."""
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


class _Request:
    """What ``_serve`` reads of a request, from either interface (ASGI scope, RSGI scope)."""

    __slots__ = ("method", "path", "query", "remote", "scheme", "_headers_of", "_source")

    def __init__(
        self, method: str, path: str, query: str, remote: str | None, scheme: str, headers_of, source
    ):
        self.method, self.path, self.query, self.remote, self.scheme = method, path, query, remote, scheme
        self._headers_of, self._source = headers_of, source

    def headers(self) -> dict[str, str]:
        return self._headers_of(self._source)


# What _serve answers: a reply to send (reply, request id, extra headers), or the request goes to
# Django (None), or to Django with these scope entries added (a dict: the HTML page).
Answer = tuple | dict | None


async def _serve(req: _Request) -> Answer:
    path = req.path
    for prefix, (extra_reply, extra_warm) in pipeline.EXTRA_READ_PATHS.items():
        if path.startswith(prefix):
            return await _extra_read(req, path[len(prefix) :], extra_reply, extra_warm)
    if path.startswith(HANDLE_API):
        handle, rest = path[len(HANDLE_API) :], True
    elif HANDLE_PAGE.match(path):
        handle, rest = path[1:], False
    else:
        return None

    headers = req.headers()
    cookie = headers.get("cookie")
    cookies = parse_cookie(cookie) if cookie else {}  # Django's own parser, as request.COOKIES
    host = headers.get("host", "")
    request = pipeline.ResolutionRequest(
        method=req.method,
        query=req.query,
        headers=headers,
        client=_client(req.remote, headers.get("x-forwarded-for", "")),
        scheme=_scheme(req.scheme, headers),
        host=host,
    )
    # Django's fast path conditions (apps.resolution.middleware), and Django's locale choice
    if (
        "authorization" in headers
        or setting("SESSION_COOKIE_NAME") in cookies
        or pipeline.wants_auth(request)
        or (not rest and request.param("lang"))
        or not await _public_host(host)
    ):
        return None
    request_id = headers.get("x-request-id") or _request_id()

    if rest:
        call, extra = (lambda: pipeline.handle_rest(request, handle)), []
    else:
        lang = cookies.get(LANGUAGE_COOKIE) or settings.LANGUAGE_CODE
        lang = lang if lang in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE

        def call():
            with translation.override(lang):
                return pipeline.handle_page(request, handle)

        extra = [("Content-Language", lang)]
    if await _without_blocking(handle, resolver.split_handle(handle), request.client):
        reply = call()
    else:
        reply = await asyncio.get_running_loop().run_in_executor(_blocking, call)
    if isinstance(reply, pipeline.Page):  # the HTML form: Django renders this very answer
        return {views.PAGE_SCOPE_KEY: reply}
    if not rest:
        # Django's full middleware stack reads the session for the page: it varies on Cookie
        # (and the language cookie does change the answer)
        vary = [value for name, value in reply.headers if name == "Vary"]
        reply.headers = [(name, value) for name, value in reply.headers if name != "Vary"]
        reply.headers.append(("Vary", ", ".join([*vary, "Cookie"])))
    return reply, request_id, extra


async def _extra_read(req: _Request, rest: str, reply_fn, warm_fn) -> Answer:
    """A read path another app registered (``pipeline.EXTRA_READ_PATHS``, e.g. apps.bid's
    ``/1.0/identifiers/``): answered here for the park domain without credentials, on the event
    loop when ``warm_fn`` says it needs no read, else on a thread; anything else goes to Django."""
    headers = req.headers()
    host = headers.get("host", "")
    if "authorization" in headers or not await _public_host(host):
        return None
    request = pipeline.ResolutionRequest(
        method=req.method,
        query=req.query,
        headers=headers,
        client=_client(req.remote, headers.get("x-forwarded-for", "")),
        scheme=_scheme(req.scheme, headers),
        host=host,
    )
    request_id = headers.get("x-request-id") or _request_id()
    if warm_fn(rest):
        reply = reply_fn(request, rest)
    else:
        reply = await asyncio.get_running_loop().run_in_executor(_blocking, reply_fn, request, rest)
    return reply, request_id, []


# ------------------------------------------------------------------ ASGI
async def app(scope, receive, send):
    kind = scope["type"]
    if kind == "lifespan":
        return await _lifespan(receive, send)
    if kind != "http":
        return await django_app(scope, receive, send)
    client = scope.get("client")
    answer = await _serve(
        _Request(
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            client[0] if client else None,
            scope.get("scheme") or "http",
            _headers,
            scope,
        )
    )
    if answer is None:
        return await django_app(scope, receive, send)
    if type(answer) is dict:
        return await django_app({**scope, **answer}, receive, send)
    reply, request_id, extra = answer
    headers = [*_encoded(reply, extra), (b"x-request-id", request_id.encode("latin-1"))]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


# ------------------------------------------------------------------ RSGI
# granian's native interface (``--interface rsgi``): no message dicts, no send awaits, the reply
# handed over in one call (``protocol.response_bytes``). The same ``_serve`` answers; what it does
# not serve goes to Django's ASGI application in this process through ``_to_asgi``.
_rsgi_headers: dict[tuple, list[tuple[str, str]]] = {}


def _rsgi_encoded(reply: pipeline.Reply, extra: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``_encoded`` for RSGI: lowercase names, str values, kept per distinct header set."""
    key = (reply.content_type, *reply.headers, *extra)
    headers = _rsgi_headers.get(key)
    if headers is None:
        headers = [("content-type", reply.content_type)]
        headers += [(name.lower(), value) for name, value in reply.headers + extra]
        if len(_rsgi_headers) >= ENCODED_HEADERS_MAX:
            _rsgi_headers.clear()
        _rsgi_headers[key] = headers
    return headers


def _rsgi_header_dict(scope) -> dict[str, str]:
    return dict(scope.headers.items())  # names lowercase; the last of repeated names, as ASGI's


def _address(text: str | None) -> tuple[str, int] | None:
    """RSGI's ``"host:port"`` (IPv6 in brackets) as ASGI's ``(host, port)``."""
    if not text:
        return None
    host, _sep, port = text.rpartition(":")
    return host.strip("[]"), int(port or 0)


def _asgi_scope(scope) -> dict:
    """The ASGI HTTP scope of an RSGI request, for Django."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": scope.http_version,
        "method": scope.method,
        "scheme": scope.scheme,
        "path": scope.path,
        "raw_path": scope.path.encode("utf-8"),
        "query_string": scope.query_string.encode("latin-1"),
        "root_path": "",
        "headers": [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in scope.headers.items()
        ],
        "client": _address(scope.client),
        "server": _address(scope.server),
    }


async def _to_asgi(asgi_app, asgi_scope: dict, protocol) -> None:
    """Run ``asgi_app`` (Django's) for an RSGI request: the request body in one
    ``http.request`` message, then ``http.disconnect`` once the client goes; the reply as one
    ``response_bytes`` or, when the app sends its body in parts (``more_body``), as a stream."""
    read = False
    started: dict = {}
    stream = None

    async def receive():
        nonlocal read
        if not read:
            read = True
            return {"type": "http.request", "body": await protocol(), "more_body": False}
        await protocol.client_disconnect()
        return {"type": "http.disconnect"}

    async def send(message):
        nonlocal stream
        kind = message["type"]
        if kind == "http.response.start":
            started["status"] = message["status"]
            started["headers"] = [
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in message.get("headers", ())
            ]
        elif kind == "http.response.body":
            body, more = message.get("body", b""), message.get("more_body", False)
            if stream is None and not more:
                protocol.response_bytes(started["status"], started["headers"], body)
                return
            if stream is None:
                stream = protocol.response_stream(started["status"], started["headers"])
            if body:
                await stream.send_bytes(body)

    await asgi_app(asgi_scope, receive, send)


class _RSGIApp:
    def __rsgi_init__(self, loop) -> None:
        loop.run_until_complete(_startup())

    def __rsgi_del__(self, loop) -> None:
        loop.run_until_complete(_shutdown())

    async def __rsgi__(self, scope, protocol) -> None:
        if scope.proto != "http":  # websockets are not served here (granian: --no-ws)
            return protocol.close(404)
        client = scope.client
        answer = await _serve(
            _Request(
                scope.method,
                scope.path,
                scope.query_string,
                client.rpartition(":")[0].strip("[]") if client else None,
                scope.scheme or "http",
                _rsgi_header_dict,
                scope,
            )
        )
        if answer is None:
            return await _to_asgi(django_app, _asgi_scope(scope), protocol)
        if type(answer) is dict:
            return await _to_asgi(django_app, {**_asgi_scope(scope), **answer}, protocol)
        reply, request_id, extra = answer
        protocol.response_bytes(
            reply.status, [*_rsgi_encoded(reply, extra), ("x-request-id", request_id)], reply.body
        )


rsgi_app = _RSGIApp()
