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
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
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


def _refused(code: str, handle: str, terminal: Terminal | None, *, audit: bool = True) -> DeviceRefusal:
    count(code, terminal.enterprise_id if terminal else None)
    if audit:
        audit_write(
            action="terminal.auth.refused",
            object_type="terminals.Terminal",
            object_id=terminal.pk if terminal else "",
            object_repr=handle[:300],
            changes={"reason": [None, code]},
            tenant_schema=terminal.enterprise.schema_name if terminal else "",
            actor=f"terminal:{handle}"[:150],
        )
    if terminal is not None and code in ("bad_signature", "report_bad_signature"):
        Terminal.objects.filter(pk=terminal.pk).update(
            signature_failures=F("signature_failures") + 1,
            last_failure_at=timezone.now(),
            last_failure_reason=code,
        )
    return refuse(code)


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
@dataclass
class Ack:
    status: str  # "accepted" | "duplicate"
    sequence: int
    stored: int

    def as_dict(self) -> dict:
        return {"status": self.status, "sequence": self.sequence, "stored": self.stored}


@lru_cache(maxsize=1024)
def _reading_items(template_version_id: int) -> dict[str, dict]:
    """A published version's enabled items by code (published versions never change)."""
    from apps.metadata.models import TemplateVersion
    from apps.metadata.selectors import effective_items

    version = TemplateVersion.objects.get(pk=template_version_id)
    return {
        item["code"]: item
        for item in effective_items(version)
        if item.get("state", ItemState.ENABLED) == ItemState.ENABLED
        and item.get("item_type") not in (ItemType.FILE, ItemType.REFERENCE)
        and item["code"] != KEY_COLUMN
    }


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


def _token_row(token: str | None) -> TerminalToken:
    if not token:
        raise refuse("token_invalid")
    row = (
        TerminalToken.objects.select_related("credential", "terminal__enterprise", "terminal__identifier")
        .filter(token_hash=hashlib.sha256(token.encode()).hexdigest())
        .first()
    )
    if row is None:
        raise refuse("token_invalid")
    return row


def report(*, token: str | None, body, address: str | None) -> Ack:
    row = _token_row(token)
    now = timezone.now()
    if row.expires_at <= now:
        raise refuse("token_expired")
    terminal, credential = row.terminal, row.credential
    if terminal.identifier.status != IdentifierStatus.ACTIVE:
        raise _refused("terminal_withdrawn", terminal.handle, terminal)
    if terminal.enterprise.status != EnterpriseStatus.ACTIVE:
        raise _refused("enterprise_inactive", terminal.handle, terminal)
    refusal = refusal_for(credential, now)  # the database's state, this request
    if refusal:
        raise _refused(refusal, terminal.handle, terminal)
    sequence, status, readings, signature = _parse_batch(body)
    message = canonical.report_message(terminal.handle, canonical.node_id(), sequence, status, readings)
    public_key = keys.PublicKey(credential.algorithm, base64.b64decode(credential.public_key))
    if not keys.verify(public_key, signature, message):
        raise _refused("report_bad_signature", terminal.handle, terminal)
    items = _reading_items(terminal.identifier.template_version_id)
    rows, errors = [], {}
    for i, reading in enumerate(readings):
        item = items.get(reading["item"])
        recorded = parse_datetime(reading["time"])
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
    return _store(terminal, sequence, status, rows, message, address, now)


def _store(terminal: Terminal, sequence, status, rows, message: bytes, address, now) -> Ack:
    from apps.enterprise_data.services import ensure_data_schema, restricted_context
    from apps.identifiers.services import item_is_public

    if not rows:  # a heartbeat: one UPDATE of the registry row, nothing in the enterprise's schema
        Terminal.objects.filter(pk=terminal.pk).update(
            last_seen_at=now, last_address=(address or "")[:64], last_status=status
        )
        return Ack("accepted", sequence, 0)
    digest = hashlib.sha256(message).hexdigest()
    ensure_data_schema(terminal.enterprise)
    public_state = dict(terminal.public_state or {})
    for item, recorded, value, _number in rows:
        if item_is_public(item):
            previous = public_state.get(item["code"])
            if previous is None or previous.get("time", "") <= recorded.isoformat():
                public_state[item["code"]] = {"value": value, "time": recorded.isoformat()}
    try:
        with transaction.atomic():
            with restricted_context(terminal.enterprise):
                batch = ReportBatch.objects.create(
                    terminal_id=terminal.pk,
                    sequence=sequence,
                    digest=digest,
                    received_at=now,
                    reading_count=len(rows),
                )
                Reading.objects.bulk_create(
                    [
                        Reading(
                            terminal_id=terminal.pk,
                            batch=batch,
                            item_code=item["code"],
                            grade=int(item.get("grade") or 1),
                            recorded_at=recorded,
                            value=value,
                            number=number,
                        )
                        for item, recorded, value, number in rows
                    ]
                )
            Terminal.objects.filter(pk=terminal.pk).update(
                last_seen_at=now,
                last_address=(address or "")[:64],
                last_status=status,
                public_state=public_state,
            )
    except IntegrityError:
        # (terminal, sequence) exists: a retry of the same batch is acknowledged, nothing written
        with restricted_context(terminal.enterprise):
            existing = ReportBatch.objects.filter(terminal_id=terminal.pk, sequence=sequence).first()
        if existing is None or existing.digest != digest:
            raise refuse("sequence_conflict") from None
        return Ack("duplicate", sequence, existing.reading_count)
    return Ack("accepted", sequence, len(rows))
