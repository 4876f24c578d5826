"""The resolution pipeline shared by every resolution endpoint (Handle REST, page, SNMS).

One call = rate-limit check + cached record lookup + counters; a warm hit touches only this
process's memory (no Redis round trip, no database query). Views only format the ``Outcome``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.clients import client_address
from apps.core.hot_settings import setting
from apps.resolution import counters, selectors

logger = logging.getLogger(__name__)

MAX_HANDLE_LENGTH = 255
DEFAULT_TTL = 86400

# Handle protocol response codes → HTTP status (HANDLE.NET REST API)
RC_SUCCESS = 1
RC_ERROR = 2
RC_HANDLE_NOT_FOUND = 100
RC_INVALID_HANDLE = 102
RC_VALUES_NOT_FOUND = 200
RC_NOT_RESPONSIBLE = 301
RC_AUTH_NEEDED = 402
HTTP_STATUS = {
    RC_SUCCESS: 200,
    RC_ERROR: 500,
    RC_HANDLE_NOT_FOUND: 404,
    RC_INVALID_HANDLE: 400,
    RC_VALUES_NOT_FOUND: 200,
    RC_NOT_RESPONSIBLE: 400,
    RC_AUTH_NEEDED: 401,
}


# Handle errors answered by the upstream resolver, passed on in our words.
UPSTREAM_MESSAGES = {
    RC_INVALID_HANDLE: gettext_lazy("标识格式无效"),
    RC_NOT_RESPONSIBLE: gettext_lazy("本节点与上级解析服务均不负责该标识前缀"),
    RC_AUTH_NEEDED: gettext_lazy("需要身份认证才能读取受限标识值"),
}


@dataclass
class Outcome:
    code: int
    handle: str
    record: dict | None = None
    message: str = ""
    http_status: int = 200
    retry_after: int | None = None
    headers: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.code == RC_SUCCESS


# Whitespace (``\s`` on str is ``str.isspace``: Unicode spaces too) and control characters.
_UNPRINTABLE = re.compile(r"[\s\x00-\x1f]")


def split_handle(raw: str) -> tuple[str, str] | None:
    """``88.101.a/x/y`` → (``88.101.a``, ``x/y``); None when malformed."""
    if not raw or len(raw) > MAX_HANDLE_LENGTH or _UNPRINTABLE.search(raw):
        return None
    prefix, sep, suffix = raw.partition("/")
    if not sep or not prefix or not suffix:
        return None
    return prefix, suffix


def client_id(request) -> str:
    """The rate-limit bucket: the client's address as our own reverse proxies report it
    (``apps.core.clients.client_address``)."""
    return client_address(request) or "unknown"


def error(code: int, handle: str, message: str) -> Outcome:
    return Outcome(code=code, handle=handle, message=message, http_status=HTTP_STATUS[code])


def resolve(request, raw: str) -> Outcome:
    return resolve_for(client_id(request), raw)


def resolve_for(client: str, raw: str) -> Outcome:
    """``resolve`` for a caller known by its rate-limit bucket (no Django request needed)."""
    started = time.perf_counter()
    parts = split_handle(raw)
    if parts is None:
        return error(RC_INVALID_HANDLE, raw, _("标识格式无效"))
    prefix, suffix = parts
    prefix_ci = prefix.lower()
    handle_ci = raw.lower()

    limited, retry_after = counters.rate_limit_hit(client)
    if limited:
        outcome = error(RC_ERROR, raw, _("请求过于频繁，请稍后再试"))
        outcome.http_status = 429
        outcome.retry_after = max(1, retry_after)
        return outcome

    local = selectors.is_local_prefix(prefix_ci)
    if not local and not setting("UPSTREAM_RESOLVER_URL"):
        return error(RC_NOT_RESPONSIBLE, raw, _("本节点不负责该标识前缀，且未配置上级解析服务"))
    try:
        record = selectors.get_record(handle_ci, prefix_ci, raw)
    except selectors.UpstreamError as exc:
        # the detail (addresses, errno texts, the upstream's own words) is for the log only
        logger.info("upstream resolution of %s: %s", raw, exc)
        if exc.code in UPSTREAM_MESSAGES:
            return error(exc.code, raw, str(UPSTREAM_MESSAGES[exc.code]))
        outcome = error(RC_ERROR, raw, _("上级解析服务暂时不可用，请稍后再试"))
        outcome.http_status = 502
        return outcome

    if record is not None and record.get("kind") == "local":
        # handle_ci found the row; the suffix is case-sensitive.
        if record["suffix"] != suffix:
            record = None
    if record is None:
        outcome = error(RC_HANDLE_NOT_FOUND, raw, _("标识不存在"))
    elif record.get("status") == "withdrawn":
        outcome = error(RC_HANDLE_NOT_FOUND, raw, _("标识已注销"))
        outcome.record = record
    else:
        outcome = Outcome(code=RC_SUCCESS, handle=record["handle"], record=record)
    elapsed_ms = (time.perf_counter() - started) * 1000
    try:
        counters.record(prefix_ci, outcome.handle if outcome.ok else None, elapsed_ms, found=outcome.ok)
    except Exception:  # counting must never fail a resolution
        pass
    return outcome


# ------------------------------------------------------------------ Handle REST values
def handle_values(record: dict, values: list[dict] | None = None) -> list[dict]:
    """Values in the Handle REST form with ttl/timestamp defaults filled in."""
    out = []
    for value in record["values"] if values is None else values:
        item = {
            "index": value.get("index"),
            "type": value.get("type"),
            "data": value.get("data") or {"format": "string", "value": ""},
            "ttl": value.get("ttl", DEFAULT_TTL),
            "timestamp": value.get("timestamp") or record.get("timestamp"),
        }
        out.append(item)
    return out


def filter_values(values: list[dict], indexes: list[str], types: list[str]) -> list[dict]:
    """Handle semantics: values matching any given index OR any given type; a type ending in
    '.' also matches its period-delimited subtypes. No filters → all values."""
    if not indexes and not types:
        return values
    wanted_indexes = set()
    for raw in indexes:
        try:
            wanted_indexes.add(int(raw))
        except ValueError:
            continue
    wanted_types = [t for t in types if t]

    def type_matches(value_type: str) -> bool:
        for t in wanted_types:
            if t.endswith("."):
                if value_type.lower().startswith(t.lower()) or value_type.lower() == t[:-1].lower():
                    return True
            elif value_type.lower() == t.lower():
                return True
        return False

    return [v for v in values if v.get("index") in wanted_indexes or type_matches(v.get("type") or "")]


def rest_body(outcome: Outcome, values: list[dict] | None = None) -> bytes:
    if outcome.ok:
        code = RC_SUCCESS if values is None or values else RC_VALUES_NOT_FOUND
        record = outcome.record
        if values is None:
            # The unfiltered public body is memoised on the (per-version) cached record.
            body = record.get("_rest_body")
            if body is None:
                body = json.dumps(
                    {"responseCode": RC_SUCCESS, "handle": record["handle"], "values": handle_values(record)},
                    ensure_ascii=False,
                ).encode()
                record["_rest_body"] = body
            return body
        return json.dumps(
            {"responseCode": code, "handle": record["handle"], "values": values}, ensure_ascii=False
        ).encode()
    return json.dumps(
        {"responseCode": outcome.code, "handle": outcome.handle, "message": outcome.message},
        ensure_ascii=False,
    ).encode()
