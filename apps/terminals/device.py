"""What a terminal speaks: challenge → token → report (the README spells out the bytes).

* ``challenge``: a nonce for any well-formed handle, single use, 60 s, kept in Redis only (no
  database read, so asking for one tells nothing about the handle).
* ``token``: the nonce is consumed (GETDEL) before anything else; the signature over
  ``canonical.auth_message`` must verify with a published key of the terminal whose state
  accepts it *now* (read from the database, never cached); the token is random, stored as its
  SHA-256 only, bound to one terminal and credential, and expires.
* ``report``: token and credential are read from the database on every request, so a
  revocation refuses the next report in every process; the batch's signature is checked, every
  reading against the terminal's template, and then the batch is stored in the enterprise's
  schema all or nothing, once per (terminal, sequence).

Refusals raise ``DeviceRefusal`` with a distinct code; those about a terminal are audited
(``terminal.auth.refused``) and every outcome is counted per hour (Redis, flushed to AuthCount).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.core.redis import redis_client
from apps.identifiers.choices import IdentifierStatus
from apps.metadata.choices import ItemState, ItemType
from apps.metadata.validation import clean_value
from apps.tenants.choices import EnterpriseStatus
from apps.terminals import canonical, keys
from apps.terminals.choices import AuthOutcome, CredentialState
from apps.terminals.models import Reading, ReportBatch, Terminal, TerminalCredential, TerminalToken
from apps.terminals.seed import KEY_COLUMN
from apps.terminals.services import refusal_for

MAX_READINGS = 1000
# Under the cache's key prefix, so each deployment (and test run) has its own key space.
NONCE_KEY = "{prefix}:term:nonce:{}"
USED_KEY = "{prefix}:term:used:{}"
COUNT_KEY = "{prefix}:term:auth:{:%Y%m%d%H}"
RATE_KEY = "{prefix}:term:rl:{}:{}:{}"
COUNT_TTL = 3 * 86400


class DeviceRefusal(ApplicationError):
    status_code = 400

    def __init__(self, code: str, message: str, *, status: int = 400, errors: dict | None = None):
        super().__init__(message, code=code, errors=errors)
        self.status_code = status


def _messages() -> dict[str, tuple[int, str]]:
    return {
        "nonce_invalid": (401, _("挑战码无效或已过期，请重新获取")),
        "nonce_replayed": (401, _("挑战码已使用过，请重新获取")),
        "unknown_terminal": (401, _("终端标识未注册为终端")),
        "terminal_withdrawn": (403, _("终端标识已注销")),
        "enterprise_inactive": (403, _("终端所属企业已暂停或注销")),
        "no_credential": (403, _("终端没有可用的凭证")),
        "bad_signature": (401, _("签名验证失败")),
        "report_bad_signature": (401, _("上报批次的签名验证失败")),
        "credential_suspended": (403, _("终端凭证已暂停")),
        "credential_revoked": (403, _("终端凭证已吊销")),
        "credential_expired": (403, _("终端凭证已过期")),
        "rate_limited": (429, _("请求过于频繁，请稍后再试")),
        "token_invalid": (401, _("令牌无效")),
        "token_expired": (401, _("令牌已过期，请重新认证")),
        "sequence_conflict": (409, _("该序号已上报过不同的数据")),
    }


def key(template: str, *args) -> str:
    return template.format(*args, prefix=settings.CACHES["default"]["KEY_PREFIX"])


def refuse(code: str, errors: dict | None = None) -> DeviceRefusal:
    status, message = _messages()[code]
    return DeviceRefusal(code, message, status=status, errors=errors)


def invalid(errors: dict[str, list[str]]) -> DeviceRefusal:
    message = "; ".join(f"{field}: {messages[0]}" for field, messages in errors.items())
    return DeviceRefusal("invalid_request", message or _("请求有误"), errors=errors)


# ---------------------------------------------------------------- counting and auditing
def count(outcome: str, enterprise_id: int | None = None, *, now: dt.datetime | None = None) -> None:
    name = key(COUNT_KEY, (now or timezone.now()).astimezone(dt.UTC))
    client = redis_client()
    pipe = client.pipeline(transaction=False)
    pipe.hincrby(name, f"{enterprise_id or 0}:{outcome}", 1)
    pipe.expire(name, COUNT_TTL)
    pipe.execute()


class Refused(Exception):
    """A refusal about a terminal, before its side effects (``record_refusal``): the pipeline
    raises it without touching the database, so the fast server can record it on a thread."""

    def __init__(
        self,
        code: str,
        handle: str,
        terminal_id: int | None = None,
        enterprise_id: int | None = None,
        schema: str = "",
        *,
        audit: bool = True,
    ):
        super().__init__(code)
        self.code, self.handle, self.audit = code, handle, audit
        self.terminal_id, self.enterprise_id, self.schema = terminal_id, enterprise_id, schema


def record_refusal(refused: Refused) -> DeviceRefusal:
    """Count the refusal, audit it (``terminal.auth.refused``), keep signature failures on the
    terminal; the answer to send."""
    count(refused.code, refused.enterprise_id)
    if refused.audit:
        audit_write(
            action="terminal.auth.refused",
            object_type="terminals.Terminal",
            object_id=refused.terminal_id or "",
            object_repr=refused.handle[:300],
            changes={"reason": [None, refused.code]},
            tenant_schema=refused.schema,
            actor=f"terminal:{refused.handle}"[:150],
        )
    if refused.terminal_id is not None and refused.code in ("bad_signature", "report_bad_signature"):
        Terminal.objects.filter(pk=refused.terminal_id).update(
            signature_failures=F("signature_failures") + 1,
            last_failure_at=timezone.now(),
            last_failure_reason=refused.code,
        )
    return refuse(refused.code)


def _refused(code: str, handle: str, terminal: Terminal | None, *, audit: bool = True) -> DeviceRefusal:
    return record_refusal(
        Refused(
            code,
            handle,
            terminal.pk if terminal else None,
            terminal.enterprise_id if terminal else None,
            terminal.enterprise.schema_name if terminal else "",
            audit=audit,
        )
    )


# ---------------------------------------------------------------- rate limits
def _rate(spec: str) -> tuple[int, int] | None:
    if not spec:
        return None
    number, _sep, period = spec.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600}.get(period[:1] or "m", 60)
    return int(number), seconds


def rate_limit(handle: str, address: str | None) -> None:
    """Fixed windows per handle and per client address; over either → ``rate_limited``."""
    checks = [
        ("h", handle.lower(), _rate(settings.TERMINALS_RATE_PER_HANDLE)),
        ("a", address or "-", _rate(settings.TERMINALS_RATE_PER_ADDRESS)),
    ]
    checks = [(kind, who, rate) for kind, who, rate in checks if rate]
    if not checks:
        return
    now = int(timezone.now().timestamp())
    pipe = redis_client().pipeline(transaction=False)
    for kind, who, (_limit, seconds) in checks:
        name = key(RATE_KEY, kind, who, now // seconds)
        pipe.incr(name)
        pipe.expire(name, seconds + 1)
    results = pipe.execute()
    for i, (_kind, _who, (limit, _seconds)) in enumerate(checks):
        if results[2 * i] > limit:
            count(AuthOutcome.RATE_LIMITED)
            raise refuse("rate_limited")


# ---------------------------------------------------------------- challenge and token
def _handle(value) -> str:
    # The form only (prefix/suffix, length, no control character): whether it is a terminal is
    # the token step's question; a challenge costs no database read.
    if (
        not isinstance(value, str)
        or not 3 <= len(value) <= 255
        or "/" not in value.strip("/")
        or canonical.has_control(value)
    ):
        raise invalid({"handle": [_("请提供有效的标识")]})
    return value


def challenge(*, handle, address: str | None) -> dict:
    handle = _handle(handle)
    rate_limit(handle, address)
    nonce = secrets.token_urlsafe(24)
    redis_client().set(key(NONCE_KEY, nonce), handle.encode(), ex=settings.TERMINALS_NONCE_SECONDS)
    return {"nonce": nonce, "expires_in": settings.TERMINALS_NONCE_SECONDS, "node_id": canonical.node_id()}


def _b64(value, field: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise invalid({field: [_("请提供 Base64 编码的签名")]})
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise invalid({field: [_("签名不是有效的 Base64")]}) from None


def _consume_nonce(nonce: str, handle: str) -> str | None:
    """None when the nonce was issued for this handle and not used yet; else the refusal code."""
    client = redis_client()
    stored = client.getdel(key(NONCE_KEY, nonce))
    if stored is None:
        return "nonce_replayed" if client.exists(key(USED_KEY, nonce)) else "nonce_invalid"
    client.set(key(USED_KEY, nonce), b"1", ex=settings.TERMINALS_NONCE_SECONDS * 2)
    return None if stored.decode() == handle else "nonce_invalid"


def issue_token(*, handle, nonce, signature, address: str | None) -> dict:
    handle = _handle(handle)
    if not isinstance(nonce, str) or not nonce or len(nonce) > 100:
        raise invalid({"nonce": [_("请提供挑战码")]})
    raw_signature = _b64(signature, "signature")
    rate_limit(handle, address)
    terminal = Terminal.objects.select_related("enterprise", "identifier").filter(handle=handle).first()
    refusal = _consume_nonce(nonce, handle)
    if refusal:
        raise _refused(refusal, handle, terminal)
    if terminal is None:
        raise _refused("unknown_terminal", handle, None)
    if terminal.identifier.status != IdentifierStatus.ACTIVE:
        raise _refused("terminal_withdrawn", handle, terminal)
    if terminal.enterprise.status != EnterpriseStatus.ACTIVE:
        raise _refused("enterprise_inactive", handle, terminal)
    credentials = list(
        TerminalCredential.objects.filter(terminal=terminal).exclude(state=CredentialState.SUPERSEDED)
    )
    if not credentials:
        raise _refused("no_credential", handle, terminal)
    message = canonical.auth_message(handle, nonce, canonical.node_id())
    order = {CredentialState.ACTIVE: 0, CredentialState.RETIRING: 1}
    credentials.sort(key=lambda c: order.get(c.state, 2))
    matched = next(
        (
            c
            for c in credentials
            if keys.verify(
                keys.PublicKey(c.algorithm, base64.b64decode(c.public_key)), raw_signature, message
            )
        ),
        None,
    )
    if matched is None:
        raise _refused("bad_signature", handle, terminal)
    now = timezone.now()
    refusal = refusal_for(matched, now)
    if refusal:
        raise _refused(refusal, handle, terminal)
    token = secrets.token_urlsafe(32)
    TerminalToken.objects.create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        terminal=terminal,
        credential=matched,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.TERMINALS_TOKEN_SECONDS),
    )
    count(AuthOutcome.OK, terminal.enterprise_id, now=now)
    return {"token": token, "token_type": "Bearer", "expires_in": settings.TERMINALS_TOKEN_SECONDS}


# ---------------------------------------------------------------- report
# One pipeline for the Django view and the fast server (apps.terminals.server): the token's state
# is read by ``token_sql`` (one row per token, many tokens per query), ``check_report`` applies
# every rule without I/O (raising ``Refused`` / ``DeviceRefusal``), and ``store_plan`` yields
# the SQL that stores many checked reports in one transaction; ``run_sync`` runs it on Django's
# connection, the server on its async pool. Nothing is cached about a token or a credential:
# their state is read on every report, so a revocation refuses the next one in every process.
@dataclass
class Ack:
    status: str  # "accepted" | "duplicate"
    sequence: int
    stored: int

    def as_dict(self) -> dict:
        return {"status": self.status, "sequence": self.sequence, "stored": self.stored}


@dataclass
class TokenState:
    """What a report needs to know about its token, terminal and credential (``token_sql``)."""

    token_hash: str
    expires_at: dt.datetime
    terminal_id: int
    handle: str
    enterprise_id: int
    public_state: str  # JSON text
    identifier_status: str
    template_version_id: int
    enterprise_status: str
    schema_name: str
    algorithm: str
    public_key: str
    state: str  # the credential's: refusal_for reads state, not_after, grace_until
    not_after: dt.datetime | None
    grace_until: dt.datetime | None


@lru_cache(maxsize=1)
def token_sql() -> str:
    from django_tenants.utils import get_public_schema_name

    from apps.identifiers.models import Identifier
    from apps.tenants.models import Enterprise

    public = get_public_schema_name()

    def table(model) -> str:
        return f'"{public}"."{model._meta.db_table}"'

    return (
        "SELECT tok.token_hash, tok.expires_at, term.id, term.handle, term.enterprise_id,"
        " term.public_state::text, idf.status, idf.template_version_id, ent.status,"
        " ent.schema_name, cred.algorithm, cred.public_key, cred.state, cred.not_after,"
        " cred.grace_until"
        f" FROM {table(TerminalToken)} tok"
        f" JOIN {table(Terminal)} term ON term.id = tok.terminal_id"
        f" JOIN {table(Identifier)} idf ON idf.id = term.identifier_id"
        f" JOIN {table(Enterprise)} ent ON ent.id = term.enterprise_id"
        f" JOIN {table(TerminalCredential)} cred ON cred.id = tok.credential_id"
        " WHERE tok.token_hash = ANY(%s)"
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_states(rows) -> dict[str, TokenState]:
    return {row[0]: TokenState(*row) for row in rows}


def _token_states_sync(hashes: list[str]) -> dict[str, TokenState]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(token_sql(), [hashes])
        return token_states(cursor.fetchall())


_ITEMS: dict[int, dict[str, dict]] = {}


def reading_items(template_version_id: int) -> dict[str, dict]:
    """A published version's enabled items by code (published versions never change, so they
    are kept per process; ``reading_items_known`` tells the fast server whether a read is due)."""
    items = _ITEMS.get(template_version_id)
    if items is None:
        from apps.metadata.models import TemplateVersion
        from apps.metadata.selectors import effective_items

        version = TemplateVersion.objects.get(pk=template_version_id)
        items = {
            item["code"]: item
            for item in effective_items(version)
            if item.get("state", ItemState.ENABLED) == ItemState.ENABLED
            and item.get("item_type") not in (ItemType.FILE, ItemType.REFERENCE)
            and item["code"] != KEY_COLUMN
        }
        if len(_ITEMS) >= 1024:
            _ITEMS.clear()
        _ITEMS[template_version_id] = items
    return items


def reading_items_known(template_version_id: int) -> bool:
    return template_version_id in _ITEMS


def _text(value, field: str, errors: dict, *, limit: int = 255) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors[field] = [_("应为字符串")]
        return ""
    text = str(value)
    if len(text) > limit or canonical.has_control(text):
        errors[field] = [_("过长或含控制字符")]
    return text


def _parse_batch(body: dict) -> tuple[int, str, list[dict], bytes]:
    if not isinstance(body, dict):
        raise invalid({"body": [_("请求体应为 JSON 对象")]})
    errors: dict[str, list[str]] = {}
    sequence = body.get("sequence")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 <= sequence < 2**63:
        errors["sequence"] = [_("应为非负整数")]
    status = _text(body.get("status", ""), "status", errors, limit=64)
    raw = body.get("readings", [])
    if not isinstance(raw, list) or len(raw) > MAX_READINGS:
        errors["readings"] = [_("应为不超过 %(n)d 条的列表") % {"n": MAX_READINGS}]
        raw = []
    readings = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            errors[f"readings.{i}"] = [_("应为 JSON 对象")]
            continue
        reading = {
            "time": _text(entry.get("time"), f"readings.{i}.time", errors, limit=40),
            "item": _text(entry.get("item"), f"readings.{i}.item", errors, limit=64),
            "value": _text(entry.get("value"), f"readings.{i}.value", errors),
        }
        if "|" in reading["time"] or "|" in reading["item"]:
            errors[f"readings.{i}"] = [_("时间和数据项不能含 |")]
        readings.append(reading)
    signature = b""
    try:
        signature = _b64(body.get("signature"), "signature")
    except DeviceRefusal as exc:
        errors.update(exc.errors)
    if errors:
        raise invalid(errors)
    return sequence, status, readings, signature


@dataclass
class Prepared:
    """A report that passed every check, ready for ``store_plan``."""

    terminal_id: int
    handle: str
    enterprise_id: int
    tenant_schema: str
    data_schema: str
    sequence: int
    status: str
    rows: list[tuple]  # (item code, grade, recorded at, value, number)
    digest: str
    public_state: str | None  # the registry's new public state (JSON), for a batch of readings
    address: str
    now: dt.datetime


def check_report(state: TokenState | None, body, address: str | None, now: dt.datetime) -> Prepared:
    """Every rule of a report, without I/O: the token and credential *as read this request*,
    the batch's form, its signature, each reading against the terminal's template."""
    from apps.enterprise_data.services import data_schema_name
    from apps.identifiers.services import item_is_public

    if state is None:
        raise refuse("token_invalid")
    if state.expires_at <= now:
        raise refuse("token_expired")
    who = (state.handle, state.terminal_id, state.enterprise_id, state.schema_name)
    if state.identifier_status != IdentifierStatus.ACTIVE:
        raise Refused("terminal_withdrawn", *who)
    if state.enterprise_status != EnterpriseStatus.ACTIVE:
        raise Refused("enterprise_inactive", *who)
    refusal = refusal_for(state, now)  # the database's state, this request
    if refusal:
        raise Refused(refusal, *who)
    sequence, status, readings, signature = _parse_batch(body)
    message = canonical.report_message(state.handle, canonical.node_id(), sequence, status, readings)
    public_key = keys.PublicKey(state.algorithm, base64.b64decode(state.public_key))
    if not keys.verify(public_key, signature, message):
        raise Refused("report_bad_signature", *who)
    items = reading_items(state.template_version_id)
    rows, errors = [], {}
    for i, reading in enumerate(readings):
        item = items.get(reading["item"])
        try:
            recorded = parse_datetime(reading["time"])
        except ValueError:  # well formed, out of range (month 13)
            recorded = None
        if recorded is None or recorded.tzinfo is None:
            errors[f"readings.{i}.time"] = [_("应为带时区的 ISO 8601 时间")]
        if item is None:
            errors[f"readings.{i}.item"] = [_("终端模板没有数据项 %(code)s") % {"code": reading["item"]}]
            continue
        try:
            value = clean_value(item, reading["value"])
        except ValueError as exc:
            errors[f"readings.{i}.value"] = [str(exc)]
            continue
        number = None
        if item.get("item_type") == ItemType.NUMBER:
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
        rows.append((item, recorded, value, number))
    if errors:
        raise DeviceRefusal("reading_invalid", _("读数不符合终端模板，整批未保存"), errors=errors)
    public_state = None
    if rows:
        merged = json.loads(state.public_state or "{}")
        for item, recorded, value, _number in rows:
            if item_is_public(item):
                previous = merged.get(item["code"])
                if previous is None or previous.get("time", "") <= recorded.isoformat():
                    merged[item["code"]] = {"value": value, "time": recorded.isoformat()}
        public_state = json.dumps(merged, ensure_ascii=False)
    return Prepared(
        terminal_id=state.terminal_id,
        handle=state.handle,
        enterprise_id=state.enterprise_id,
        tenant_schema=state.schema_name,
        data_schema=data_schema_name(SimpleNamespace(schema_name=state.schema_name)),
        sequence=sequence,
        status=status,
        rows=[
            (item["code"], int(item.get("grade") or 1), recorded, value, number)
            for item, recorded, value, number in rows
        ],
        digest=hashlib.sha256(message).hexdigest(),
        public_state=public_state,
        address=(address or "")[:64],
        now=now,
    )


# ---------------------------------------------------------------- storing (one transaction)
def _q(schema: str, model) -> str:
    return f'"{schema}"."{model._meta.db_table}"'


def store_plan(reports: list[Prepared]):
    """A generator of ``(sql, params, fetch)``; the driver sends back each statement's rows
    (``fetch``) or None, all in one transaction, and gets the outcome per report in order: an
    ``Ack`` or a refusal code (``sequence_conflict``).

    A batch of readings: its ReportBatch row (``ON CONFLICT DO NOTHING``: a (terminal,
    sequence) already stored with the same digest is a ``duplicate``, with another a
    ``sequence_conflict``), its readings, the registry's last state. A heartbeat (no readings):
    the terminal's last-seen, unless its last heartbeat had this very sequence (then a
    ``duplicate`` if the same bytes were signed, else a ``sequence_conflict``). Each statement
    covers many reports, at most one per terminal (a terminal twice goes to the next round)."""
    outcomes: list = [None] * len(reports)
    pending = list(range(len(reports)))
    while pending:
        seen, this_round, later = set(), [], []
        for i in pending:
            terminal_id = reports[i].terminal_id
            (later if terminal_id in seen else this_round).append(i)
            seen.add(terminal_id)
        yield from _store_round(reports, this_round, outcomes)
        pending = later
    return outcomes


def _rows_json(rows) -> str:
    """Rows for ``json_array_elements``: one JSON text per statement (a C encoder) instead of a
    typed array per column, whose elements the driver would dump one by one in Python."""
    return json.dumps(list(rows), ensure_ascii=False, separators=(",", ":"))


def _store_round(reports: list[Prepared], indexes: list[int], outcomes: list):
    from django_tenants.utils import get_public_schema_name

    terminals = _q(get_public_schema_name(), Terminal)
    beats = [i for i in indexes if not reports[i].rows]
    if beats:
        r = [reports[i] for i in beats]
        updated = yield (
            f"UPDATE {terminals} AS t SET last_seen_at = v.seen, last_address = v.address,"
            " last_status = v.status, heartbeat_sequence = v.seq, heartbeat_digest = v.digest"
            " FROM (SELECT (e->>0)::bigint AS id, (e->>1)::timestamptz AS seen, e->>2 AS address,"
            " e->>3 AS status, (e->>4)::bigint AS seq, e->>5 AS digest"
            " FROM json_array_elements(%s::json) AS e) AS v"
            " WHERE t.id = v.id AND t.heartbeat_sequence IS DISTINCT FROM v.seq RETURNING t.id",
            [
                _rows_json(
                    [p.terminal_id, p.now.isoformat(), p.address, p.status, p.sequence, p.digest] for p in r
                )
            ],
            True,
        )
        done = {row[0] for row in updated}
        rest = [i for i in beats if reports[i].terminal_id not in done]
        last = {}
        if rest:
            rows = yield (
                f"SELECT id, heartbeat_digest FROM {terminals} WHERE id = ANY(%s)",
                [[reports[i].terminal_id for i in rest]],
                True,
            )
            last = dict(rows)
        for i in beats:
            p = reports[i]
            if p.terminal_id in done:
                outcomes[i] = Ack("accepted", p.sequence, 0)
            elif p.terminal_id not in last:
                outcomes[i] = "token_invalid"  # the terminal went away meanwhile
            else:
                outcomes[i] = (
                    Ack("duplicate", p.sequence, 0)
                    if last[p.terminal_id] == p.digest
                    else "sequence_conflict"
                )
    by_schema: dict[str, list[int]] = {}
    for i in indexes:
        if reports[i].rows:
            by_schema.setdefault(reports[i].data_schema, []).append(i)
    for schema, members in by_schema.items():
        # One statement per schema: the batches (a (terminal, sequence) already there is left
        # alone), the readings of the batches inserted now, the registry's last state of their
        # terminals; it answers which terminals' batches were inserted.
        r = [reports[i] for i in members]
        readings = [
            [p.terminal_id, code, grade, recorded.isoformat(), value, None if number is None else str(number)]
            for p in r
            for code, grade, recorded, value, number in p.rows
        ]
        inserted = yield (
            "WITH v AS (SELECT (e->>0)::bigint AS terminal_id, (e->>1)::bigint AS sequence,"
            " e->>2 AS digest, (e->>3)::timestamptz AS seen, (e->>4)::int AS n, e->>5 AS address,"
            " e->>6 AS status, e->>7 AS state FROM json_array_elements(%s::json) AS e),"
            f" ins AS (INSERT INTO {_q(schema, ReportBatch)} (terminal_id, sequence, digest, received_at,"
            " reading_count) SELECT terminal_id, sequence, digest, seen, n FROM v"
            " ON CONFLICT (terminal_id, sequence) DO NOTHING RETURNING id, terminal_id),"
            f" rd AS (INSERT INTO {_q(schema, Reading)} (terminal_id, batch_id, item_code, grade,"
            " recorded_at, value, number) SELECT ins.terminal_id, ins.id, r.e->>1, (r.e->>2)::smallint,"
            " (r.e->>3)::timestamptz, r.e->>4, (r.e->>5)::numeric"
            " FROM json_array_elements(%s::json) WITH ORDINALITY AS r(e, i)"
            " JOIN ins ON ins.terminal_id = (r.e->>0)::bigint ORDER BY r.i),"  # ids in the device's order
            f" upd AS (UPDATE {terminals} AS t SET last_seen_at = v.seen, last_address = v.address,"
            " last_status = v.status, public_state = v.state::jsonb FROM v JOIN ins"
            " ON ins.terminal_id = v.terminal_id WHERE t.id = v.terminal_id)"
            " SELECT terminal_id FROM ins",
            [
                _rows_json(
                    [
                        p.terminal_id,
                        p.sequence,
                        p.digest,
                        p.now.isoformat(),
                        len(p.rows),
                        p.address,
                        p.status,
                        p.public_state,
                    ]
                    for p in r
                ),
                _rows_json(readings),
            ],
            True,
        )
        done = {row[0] for row in inserted}
        rest = [p for p in r if p.terminal_id not in done]
        existing = {}
        if rest:  # a new statement: it sees what a concurrent request committed meanwhile
            rows = yield (
                f"SELECT terminal_id, digest, reading_count FROM {_q(schema, ReportBatch)}"
                " WHERE (terminal_id, sequence) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
                [[p.terminal_id for p in rest], [p.sequence for p in rest]],
                True,
            )
            existing = {terminal_id: (digest, n) for terminal_id, digest, n in rows}
        for i, p in zip(members, r, strict=True):
            if p.terminal_id in done:
                outcomes[i] = Ack("accepted", p.sequence, len(p.rows))
            else:
                digest, n = existing.get(p.terminal_id, (None, 0))
                outcomes[i] = Ack("duplicate", p.sequence, n) if digest == p.digest else "sequence_conflict"


def run_sync(plan):
    """Run a ``store_plan`` on Django's connection, in one transaction."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        result = None
        try:
            while True:
                sql, params, fetch = plan.send(result)
                cursor.execute(sql, params)
                result = cursor.fetchall() if fetch else None
        except StopIteration as stop:
            return stop.value


def ensure_schema(prepared: Prepared) -> None:
    """The operator's data schema is created on first use (outside the storing transaction)."""
    from apps.enterprise_data.services import ensure_data_schema

    if prepared.rows and prepared.data_schema != prepared.tenant_schema:
        ensure_data_schema(SimpleNamespace(schema_name=prepared.tenant_schema))


def report(*, token: str | None, body, address: str | None) -> Ack:
    """The Django view's report: the same steps the fast server runs for many at once."""
    if not token:
        raise refuse("token_invalid")
    digest = token_hash(token)
    state = _token_states_sync([digest]).get(digest)
    try:
        prepared = check_report(state, body, address, timezone.now())
    except Refused as refused:
        raise record_refusal(refused) from None
    ensure_schema(prepared)
    outcome = run_sync(store_plan([prepared]))[0]
    if isinstance(outcome, str):
        raise refuse(outcome)
    return outcome
