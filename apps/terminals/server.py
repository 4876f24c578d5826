"""The device server: ``POST /api/terminals/{challenge,token,report}`` on an ASGI application for
granian, one process per core, in front of the resolution server (apps.resolution.server), which
answers everything else (and hands what it does not serve to Django in the same process).

    granian --interface asgi --workers 2 apps.terminals.server:app

Reports are the volume (10,000 terminals heartbeating, 1,000 reporting readings), so they do
not go through Django's request cycle: the reports that arrive together are taken in a batch
(``_ReportBatcher``) and run through the same pipeline as the Django view
(``apps.terminals.device``): one query reads the state of every token in the batch
(``device.token_sql``; nothing about a token or a credential is cached, so a revocation refuses
the next report in every process), ``device.check_report`` applies every rule to each report
(signature, readings against the template), and ``device.store_plan`` stores all the checked
ones in one transaction over psycopg's ``AsyncConnectionPool`` (per data schema one statement
that inserts the batches and their readings and updates the registry's last state, its rows sent
as one JSON text; one UPDATE for the heartbeats); a batch is stored while the next one is read
and checked. Few loaders (``TERMINALS_LOADERS``) make the batches grow with the load, so the
round trips and the commit are paid per batch. If that transaction fails,
each report of the batch is stored again in a transaction of its own, so one cannot take the
others along (all or nothing per report). A refusal's audit entry and counters are written on a
thread (Django's ORM), as are challenge and token (fewer, and they are Django's code as is:
Redis for the nonce, the rate limits, one token row).

Served only for the park domain (the public tenant) and POST: anything else goes on to the
resolution server and Django, which answer it as before. Answers are the Django view's, byte for
byte in the body (tests/terminals/test_server_contract.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from urllib.parse import parse_qsl

from django.conf import settings  # noqa: E402
from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402
from django.db import DatabaseError, connection  # noqa: E402
from django.http.cookie import parse_cookie  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from psycopg_pool import AsyncConnectionPool  # noqa: E402

from apps.core import request_context  # noqa: E402
from apps.core.clients import forwarded_client  # noqa: E402
from apps.core.errors import ApplicationError  # noqa: E402
from apps.resolution import server as resolution_server  # django.setup(), Django's ASGI app
from apps.terminals import canonical, device, device_views  # noqa: E402
from apps.terminals.middleware import DEVICE_API  # noqa: E402

logger = logging.getLogger(__name__)
PATHS = {
    f"{DEVICE_API}challenge": "challenge",
    f"{DEVICE_API}token": "token",
    f"{DEVICE_API}report": "report",
}
DB_POOL_SIZE = int(os.environ.get("TERMINALS_DB_POOL", "4"))
POOL_APPLICATION_NAME = "park-portal-terminals"
_threads = ThreadPoolExecutor(
    max_workers=int(os.environ.get("TERMINALS_THREADS", "4")), thread_name_prefix="terminals-blocking"
)
_pool: AsyncConnectionPool | None = None
_schemas_ready: set[str] = set()


# ---------------------------------------------------------------- answers
def _json(status: int, data: dict, headers: list[tuple[str, str]] | None = None):
    body = json.dumps(data, cls=DjangoJSONEncoder).encode()  # JsonResponse's encoding
    return status, body, [("Content-Type", "application/json"), *(headers or [])]


def _refusal(exc: ApplicationError):
    return _json(exc.status_code, exc.as_dict(), device_views.refusal_headers(exc))


def _server_error():
    return _json(500, {"code": "server_error", "message": _("服务器内部错误"), "errors": {}})


def _parse(raw: bytes):
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise device.DeviceRefusal("invalid_request", _("请求体不是有效的 JSON")) from None


def _object(raw: bytes) -> dict:
    body = _parse(raw)
    if not isinstance(body, dict):
        raise device.DeviceRefusal("invalid_request", _("请求体应为 JSON 对象"))
    return body


def _in_thread(fn, lang: str, address: str | None, request_id: str):
    """Run Django code on a thread of ``_threads`` as the device view would: in the device's
    language, with the request's id and client address for the audit log."""
    token = request_context.set_for_request(
        request_context.ActorContext(request_id=request_id, client_ip=address)
    )
    try:
        with translation.override(lang):
            try:
                return fn()
            except ApplicationError as exc:
                return _refusal(exc)
            except DatabaseError:
                connection.close()  # a broken connection is not kept for the next request
                logger.exception("device request failed")
                return _server_error()
    finally:
        request_context.reset(token)


def _challenge(raw: bytes, address: str | None):
    body = _object(raw)
    return _json(200, device.challenge(handle=body.get("handle"), address=address))


def _token(raw: bytes, address: str | None):
    body = _object(raw)
    return _json(
        200,
        device.issue_token(
            handle=body.get("handle"),
            nonce=body.get("nonce"),
            signature=body.get("signature"),
            address=address,
        ),
    )


# ---------------------------------------------------------------- reports, in batches
class _Pending:
    __slots__ = ("token_hash", "raw", "address", "lang", "request_id", "future", "prepared")

    def __init__(self, token_hash, raw, address, lang, request_id, future):
        self.token_hash, self.raw, self.address, self.lang = token_hash, raw, address, lang
        self.request_id, self.future, self.prepared = request_id, future, None


async def run_async(plan, conn):
    """Run a ``device.store_plan`` on an async connection, in one transaction."""
    async with conn.transaction(), conn.pipeline():  # BEGIN goes with the first statement
        result = None
        try:
            while True:
                sql, params, fetch = plan.send(result)
                cursor = await conn.execute(sql, params)
                result = await cursor.fetchall() if fetch else None
        except StopIteration as stop:
            return stop.value


def _fail(entries: list[_Pending]) -> None:
    for entry in entries:
        if not entry.future.done():
            entry.future.set_result(_server_error())


class _ReportBatcher:
    """Reports that arrive while the loaders are busy wait together; a loader takes up to
    ``BATCH_MAX`` of them: one token query, the checks, then one storing transaction that runs
    while the loader reads and checks the next batch. There are few loaders
    (``TERMINALS_LOADERS``, 1 by default), so the busier the server, the more reports wait and
    the bigger each batch: a transaction's round trips and commit are paid per batch, not per
    report (``stats``: reports, batches and CPU per stage, for the bench)."""

    LOADERS = int(os.environ.get("TERMINALS_LOADERS", "1"))
    BATCH_MAX = 512

    def __init__(self):
        self.pending: list[_Pending] = []
        self.wake: asyncio.Event | None = None
        self.loaders: list[asyncio.Task] = []
        self.stats = {"reports": 0, "batches": 0, "largest": 0, "tokens": 0.0, "check": 0.0, "store": 0.0}

    def start(self) -> None:
        self.wake = asyncio.Event()
        self.loaders = [asyncio.create_task(self._loader()) for _ in range(max(1, self.LOADERS))]

    async def stop(self) -> None:
        for task in self.loaders:
            task.cancel()
        await asyncio.gather(*self.loaders, return_exceptions=True)

    async def submit(self, token_hash, raw, address, lang, request_id):
        future = asyncio.get_running_loop().create_future()
        self.pending.append(_Pending(token_hash, raw, address, lang, request_id, future))
        self.wake.set()
        return await future

    async def _loader(self) -> None:
        """Take a batch, read its tokens and check it, then store it while the next batch is
        read and checked (at most one store in flight per loader: the event loop's CPU and the
        database's work overlap, and reports keep gathering meanwhile)."""
        storing: asyncio.Task | None = None
        while True:
            await self.wake.wait()
            if not self.pending:
                self.wake.clear()
                continue
            await asyncio.sleep(0)  # the requests ready in this turn of the loop join the batch
            batch, self.pending = self.pending[: self.BATCH_MAX], self.pending[self.BATCH_MAX :]
            if not self.pending:
                self.wake.clear()
            if not batch:
                continue
            self.stats["reports"] += len(batch)
            self.stats["batches"] += 1
            self.stats["largest"] = max(self.stats["largest"], len(batch))
            try:
                checked = await self._read_and_check(batch)
            except Exception:
                logger.exception("a batch of %s reports failed", len(batch))
                _fail(batch)
                continue
            if storing is not None:
                await storing
            storing = asyncio.create_task(self._store_answering(checked)) if checked else None

    async def _store_answering(self, checked: list[_Pending]) -> None:
        try:
            await self._store(checked)
        except Exception:
            logger.exception("a batch of %s reports failed", len(checked))
            _fail(checked)

    def _check(self, batch: list[_Pending], states: dict, now) -> list[_Pending]:
        """``device.check_report`` for each report: the checked ones; the others answered. The
        device's language is switched on only for a refusal whose message is translated when
        raised (``DeviceRefusal``): checking again under it is the same function, with no I/O.
        A ``Refused`` is recorded and answered on a thread, in the device's language."""
        checked: list[_Pending] = []
        for entry in batch:
            state = states.get(entry.token_hash)
            try:
                entry.prepared = device.check_report(state, _parse(entry.raw), entry.address, now)
            except device.Refused as refused:
                self._record(entry, refused)
                continue
            except ApplicationError:
                with translation.override(entry.lang):
                    try:
                        device.check_report(state, _parse(entry.raw), entry.address, now)
                        raise AssertionError("check_report refused once, then accepted") from None
                    except ApplicationError as exc:
                        entry.future.set_result(_refusal(exc))
                        continue
            checked.append(entry)
        return checked

    async def _run(self, batch: list[_Pending]) -> None:
        """One batch from start to answer (what ``_loader`` does in two overlapping steps)."""
        checked = await self._read_and_check(batch)
        if checked:
            await self._store(checked)

    async def _read_and_check(self, batch: list[_Pending]) -> list[_Pending]:
        """The batch's token states (one query, read now: nothing is kept between batches),
        then ``_check``: the reports that passed every check."""
        loop = asyncio.get_running_loop()
        stats, clock = self.stats, time.process_time
        async with _pool.connection() as conn:
            started = clock()
            cursor = await conn.execute(device.token_sql(), ([e.token_hash for e in batch],), prepare=True)
            states = device.token_states(await cursor.fetchall())
            stats["tokens"] += clock() - started
        for state in states.values():  # a template version this process has not read yet
            if not device.reading_items_known(state.template_version_id):
                await loop.run_in_executor(_threads, device.reading_items, state.template_version_id)
        started = clock()
        checked = self._check(batch, states, timezone.now())
        stats["check"] += clock() - started
        for entry in checked:
            schema = entry.prepared.data_schema
            if entry.prepared.rows and schema not in _schemas_ready:
                await loop.run_in_executor(_threads, device.ensure_schema, entry.prepared)
                _schemas_ready.add(schema)
        return checked

    async def _store(self, checked: list[_Pending]) -> None:
        """Store the checked reports in one transaction and answer each."""
        stats, clock = self.stats, time.process_time
        started = clock()
        try:
            async with _pool.connection() as conn:
                outcomes = await run_async(device.store_plan([e.prepared for e in checked]), conn)
        except Exception:
            logger.warning("storing %s reports together failed; one by one", len(checked), exc_info=True)
            outcomes = None
        if outcomes is None:  # each report in a transaction of its own: one cannot take the others along
            outcomes = []
            for entry in checked:
                try:
                    async with _pool.connection() as conn:
                        outcomes += await run_async(device.store_plan([entry.prepared]), conn)
                except Exception:
                    logger.exception("storing a report failed")
                    outcomes.append(None)
        for entry, outcome in zip(checked, outcomes, strict=True):
            if outcome is None:
                with translation.override(entry.lang):
                    entry.future.set_result(_server_error())
            elif isinstance(outcome, str):
                with translation.override(entry.lang):
                    entry.future.set_result(_refusal(device.refuse(outcome)))
            else:
                entry.future.set_result(_json(200, outcome.as_dict()))
        stats["store"] += clock() - started

    def _record(self, entry: _Pending, refused: device.Refused) -> None:
        """The audit entry and counters of a refusal, on a thread; the request waits for them
        (as the Django view's does)."""

        def record():
            return _refusal(device.record_refusal(refused))

        task = asyncio.get_running_loop().run_in_executor(
            _threads, _in_thread, record, entry.lang, entry.address, entry.request_id
        )
        task.add_done_callback(
            lambda done: entry.future.set_result(done.result() if not done.exception() else _server_error())
        )


_reports = _ReportBatcher()


# ---------------------------------------------------------------- ASGI
def _db_pool() -> AsyncConnectionPool:
    params = {
        name: value
        for name, value in connection.get_connection_params().items()
        if name not in ("cursor_factory", "context")
    }
    params["autocommit"] = True
    params["application_name"] = POOL_APPLICATION_NAME
    return AsyncConnectionPool(min_size=1, max_size=DB_POOL_SIZE, kwargs=params, open=False)


_profiler = None


def _profile_start() -> None:
    """``TERMINALS_PROFILE=<directory>``: cProfile the event loop's thread of each worker, the
    statistics written there at shutdown (``terminals-<pid>.prof``; a bench's tool, off by
    default)."""
    global _profiler
    if os.environ.get("TERMINALS_PROFILE"):
        import cProfile  # noqa: PLC0415

        _profiler = cProfile.Profile()
        _profiler.enable()


def _profile_stop() -> None:
    if _profiler is not None:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(os.environ["TERMINALS_PROFILE"], f"terminals-{os.getpid()}.prof"))
    if os.environ.get("TERMINALS_STATS"):
        path = os.path.join(os.environ["TERMINALS_STATS"], f"terminals-{os.getpid()}.json")
        with open(path, "w") as out:
            json.dump(_reports.stats, out)


async def _lifespan(receive, send) -> None:
    """Ours, then the resolution server's (its lifespan runs as a task fed from here)."""
    global _pool
    inner_in: asyncio.Queue = asyncio.Queue()
    inner_out: asyncio.Queue = asyncio.Queue()
    inner = asyncio.create_task(resolution_server.app({"type": "lifespan"}, inner_in.get, inner_out.put))
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _profile_start()
            _pool = _db_pool()
            await _pool.open()
            _reports.start()
            # the node id is read once per process (a query): not on the event loop later
            await asyncio.get_running_loop().run_in_executor(_threads, canonical.node_id)
            await inner_in.put(message)
            await send(await inner_out.get())
        elif message["type"] == "lifespan.shutdown":
            await inner_in.put(message)
            reply = await inner_out.get()
            await inner
            await _reports.stop()
            if _pool is not None:
                await _pool.close()
            _threads.shutdown(wait=False)
            _profile_stop()
            await send(reply)
            return


TOO_LARGE = object()


async def _body(receive, limit: int):
    """The request's body; None when the client went away, ``TOO_LARGE`` past ``limit``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return TOO_LARGE
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def app(scope, receive, send):
    kind = scope["type"]
    if kind == "lifespan":
        return await _lifespan(receive, send)
    which = PATHS.get(scope.get("path", "")) if kind == "http" else None
    if which is None or scope["method"] != "POST":
        return await resolution_server.app(scope, receive, send)
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**31
    length = headers.get("content-length", "")
    if (length.isdigit() and int(length) > limit) or not await resolution_server._public_host(
        headers.get("host", "")
    ):
        return await resolution_server.app(scope, receive, send)  # Django answers (400, 404)
    query = scope.get("query_string", b"").decode("latin-1")
    params = dict(parse_qsl(query, keep_blank_values=True))
    shim = SimpleNamespace(
        COOKIES=parse_cookie(headers.get("cookie", "")),
        META={"HTTP_ACCEPT_LANGUAGE": headers.get("accept-language", "")},
    )
    lang = device_views.choose_language(params.get("lang"), shim)
    address = forwarded_client(
        scope["client"][0] if scope.get("client") else None, headers.get("x-forwarded-for", "")
    )
    request_id = headers.get("x-request-id") or resolution_server._request_id()
    loop = asyncio.get_running_loop()
    if which == "report":
        scheme, _sep, value = headers.get("authorization", "").partition(" ")
        bearer = value.strip() if scheme.lower() == "bearer" else None
        if not bearer:  # refused before the body is read, as the view does
            with translation.override(lang):
                answer = _refusal(device.refuse("token_invalid"))
        else:
            raw = await _body(receive, limit)
            if raw is None:
                return
            if raw is TOO_LARGE:
                with translation.override(lang):
                    answer = _refusal(device.DeviceRefusal("invalid_request", _("请求体过大")))
            else:
                answer = await _reports.submit(device.token_hash(bearer), raw, address, lang, request_id)
    else:
        raw = await _body(receive, limit)
        if raw is None:
            return
        if raw is TOO_LARGE:
            raw = b"null"  # refused as not a JSON object, nothing read further
        work = _challenge if which == "challenge" else _token
        answer = await loop.run_in_executor(
            _threads, _in_thread, lambda: work(raw, address), lang, address, request_id
        )
    status, body, extra = answer
    response_headers = [(name.lower().encode(), value.encode("latin-1")) for name, value in extra]
    response_headers.append((b"x-request-id", request_id.encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": body})
