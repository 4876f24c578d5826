"""Reads of the resolution app: the cached public record of a handle and dashboard figures."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncDate

from apps.core.hot_settings import setting
from apps.metadata.choices import ItemType
from apps.resolution import cache, counters

logger = logging.getLogger(__name__)
PARK_CACHE_SECONDS = 30
_park_cache: tuple[float, str | None] = (0.0, None)

# Upstream answers are cached for their TTL, within these bounds.
UPSTREAM_MIN_TTL = 5
UPSTREAM_MAX_TTL = 3600


def park_prefix_root() -> str | None:
    """``88.101`` (lowercase), cached in process: the hot path must not query it per request."""
    global _park_cache
    now = time.monotonic()
    if _park_cache[0] > now:
        return _park_cache[1]
    from apps.tenants.models import Park

    park = Park.objects.only("country_code", "park_code").first()
    root = park.prefix_root.lower() if park else None
    _park_cache = (now + PARK_CACHE_SECONDS, root)
    return root


def park_root_cached(margin: float = 0.0) -> bool:
    """Will ``park_prefix_root`` answer from memory (no query) for ``margin`` seconds more? A
    caller that answers on an event loop asks with a margin: the copy must not expire between
    this check and the lookups of the same request."""
    return _park_cache[0] > time.monotonic() + margin


def forget_park() -> None:
    global _park_cache
    _park_cache = (0.0, None)


def is_local_prefix(prefix_ci: str) -> bool:
    root = park_prefix_root()
    return root is not None and (prefix_ci == root or prefix_ci.startswith(root + "."))


# Handle value types whose data is another handle.
HANDLE_TYPES = ("HS_ALIAS",)


def display_values(record: dict) -> list[dict]:
    """The record's public values as the HTML page shows them, with the template item's Chinese
    name and unit (computed when a page is rendered, not for every record read)."""
    return _display_values(record["values"], record.get("items") or [])


def _display_values(values: list[dict], items: list[dict]) -> list[dict]:
    """Public values with the template item's Chinese name and unit, for the HTML page."""
    by_index = {item.get("index"): item for item in items or []}
    out = []
    for value in values:
        item = by_index.get(value.get("index")) or {}
        data = value.get("data") or {}
        raw = data.get("value")
        out.append(
            {
                "index": value.get("index"),
                "type": value.get("type"),
                "name": item.get("name") or value.get("type"),
                "value": raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False),
                "unit": ((item.get("constraints") or {}).get("unit") or ""),
                # the value names another identifier: the page links to it
                "reference": item.get("item_type") == ItemType.REFERENCE or value.get("type") in HANDLE_TYPES,
            }
        )
    return out


def _qualified(model) -> str:
    from django_tenants.utils import get_public_schema_name

    return f'"{get_public_schema_name()}"."{model._meta.db_table}"'


_record_sql: str | None = None
_category_labels: dict[str, str] | None = None


def local_record_sql() -> str:
    """The registry lookup of one handle (``%s``: its ``handle_ci``), schema-qualified."""
    return _record_select() + "WHERE i.handle_ci = %s"


def local_records_sql() -> str:
    """The same lookup for many handles at once (``%s``: a list of ``handle_ci``): the
    resolution server reads the misses that arrive together in one round trip. Its rows are
    ``local_record_sql``'s; a handle without a row has none."""
    return _record_select() + "WHERE i.handle_ci = ANY(%s)"


def _record_select() -> str:
    """The registry row and its four owners, each looked up by primary key.

    Each owner is a ``LATERAL`` subquery the planner may not flatten (``OFFSET 0``), so every
    lookup is a nested loop over that table's primary key whatever the tables' sizes and
    statistics. As plain joins, the prepared statement's generic plan at a thousand enterprises
    became a merge join that walks the enterprise and prefix primary keys from the first row to
    the handle's owner: a miss cost grew with the number of enterprises (0.30 ms instead of
    0.04 ms for the last of 1,000; tests/perf/bench_tenants.py). The rows and columns are the
    same as an inner join's: a handle whose owner is missing has no row."""
    global _record_sql
    if _record_sql is None:
        from apps.identifiers.models import Identifier, Prefix
        from apps.metadata.models import MetadataTemplate, TemplateVersion
        from apps.tenants.models import Enterprise

        _record_sql = (
            "SELECT i.id, i.handle, i.suffix, i.status, i.name, i.category, i.enterprise_id, i.values::text, "
            "i.updated_at, p.prefix, e.name, t.name, t.code, t.default_link, v.number, v.effective_items::text "
            f"FROM {_qualified(Identifier)} i "
            f"CROSS JOIN LATERAL (SELECT prefix FROM {_qualified(Prefix)} WHERE id = i.prefix_id OFFSET 0) p "
            f"CROSS JOIN LATERAL (SELECT name FROM {_qualified(Enterprise)} WHERE id = i.enterprise_id OFFSET 0) e "
            "CROSS JOIN LATERAL (SELECT template_id, number, effective_items "
            f"FROM {_qualified(TemplateVersion)} WHERE id = i.template_version_id OFFSET 0) v "
            "CROSS JOIN LATERAL (SELECT name, code, default_link "
            f"FROM {_qualified(MetadataTemplate)} WHERE id = v.template_id OFFSET 0) t "
        )
    return _record_sql


def _category_label(category: str) -> str:
    global _category_labels
    if _category_labels is None:
        from apps.metadata.choices import ObjectCategory

        _category_labels = {str(value): label for value, label in ObjectCategory.choices}
    label = _category_labels.get(category)
    return str(label) if label is not None else category


def load_local_record(handle_ci: str) -> dict | None:
    """The public record of a local handle from the registry: one indexed query over the unique
    ``handle_ci`` index (the lowercased handle, so the case-insensitive prefix match is a plain
    equality on that index), joined to its prefix, owner and template version.

    A server-side prepared statement on the driver's own cursor, with schema-qualified tables:
    no ORM query building or model instances, no django-tenants ``SET search_path`` round trip,
    and PostgreSQL neither parses nor plans the five-table join again (planning cost more than
    executing it). Prepared statements live on the connection, which persists per thread
    (``CONN_MAX_AGE``); a connection pooler in front of PostgreSQL must support protocol-level
    prepared statements (PgBouncer >= 1.21 with ``max_prepared_statements``). The resolution
    server reads the same row with the same statement over its async pool
    (``apps.resolution.server``): both build the record with ``local_record_from_row``.

    With read replicas the miss reads one (``apps.core.replicas``), unless the handle changed
    within the read-your-writes window (``cache.recent``); a replica that fails marks itself
    down and the primary answers."""
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

    from apps.core import replicas

    alias = DEFAULT_DB_ALIAS
    if replicas.aliases() and cache.recent.settled(handle_ci):
        alias = replicas.read_alias(force=True)
    if alias != DEFAULT_DB_ALIAS:
        try:
            return _load_local_record(connections[alias], handle_ci)
        except DatabaseError as exc:
            replicas.mark_down(alias, exc)
            try:
                connections[alias].close()
            except DatabaseError:
                pass
    return _load_local_record(connections[DEFAULT_DB_ALIAS], handle_ci)


def _load_local_record(connection, handle_ci: str) -> dict | None:
    from psycopg import Cursor

    sql = local_record_sql()
    with connection.wrap_database_errors:  # a broken connection is closed at request end
        connection.ensure_connection()
        with Cursor(connection.connection) as cursor:  # server-side binding (Django's is client-side)
            cursor.execute(sql, (handle_ci,), prepare=True)
            return local_record_from_row(cursor.fetchone())


_items_parsed: dict[str, list] = {}
ITEMS_PARSED_MAX = 512


def _template_items(text: str | None) -> list:
    """A template version's items from their JSON text, parsed once per distinct text: every
    row of a version carries the same items (a read of thousands of rows parses them once)."""
    if not text:
        return []
    items = _items_parsed.get(text)
    if items is None:
        if len(_items_parsed) >= ITEMS_PARSED_MAX:
            _items_parsed.clear()
        items = _items_parsed[text] = json.loads(text)
    return items


def local_record_from_row(row: tuple | None) -> dict | None:
    """The cached record of a registry row as ``local_record_sql`` selects it (None: no row).
    JSON columns come as text (Django's connection) or decoded (a plain psycopg connection)."""
    if row is None:
        return None
    (pk, handle, suffix, status, name, category, enterprise_id, values, updated_at, prefix, enterprise,
     template, template_code, default_link, version_number, effective_items) = row  # fmt: skip
    values = json.loads(values) if isinstance(values, str) else (values or [])
    effective_items = _template_items(effective_items)
    return {
        "kind": "local",
        "id": pk,
        "handle": handle,
        "prefix": prefix,
        "suffix": suffix,
        "status": status,
        "name": name,
        "category": category,
        "category_label": _category_label(category),
        "enterprise_id": enterprise_id,
        "enterprise": enterprise,
        "template": template,
        "template_code": template_code,
        "template_version": version_number,
        "default_link": default_link or "",
        "values": values,
        "items": effective_items,  # the template's (one list per version, shared): display_values
        "timestamp": updated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


class UpstreamError(Exception):
    """The upstream answered a Handle error (``code``) or could not be asked (``code`` 2).
    ``str()`` is a detail for the log, never for the user."""

    def __init__(self, detail: str, code: int = 2):
        super().__init__(detail)
        self.code = code


class _Breaker:
    """Circuit breaker for the upstream resolver, per process: after a failure (unreachable,
    timed out, not a Handle answer) requests fail at once for ``UPSTREAM_FAILURE_SECONDS``
    instead of each holding a server thread for the timeout; then one request tries again (the
    process's other threads keep failing at once until it has its answer)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.detail = ""

    def check(self) -> None:
        if not self.open_until:  # closed: the common case costs one attribute read
            return
        now = time.monotonic()
        with self.lock:
            if self.open_until > now:
                raise UpstreamError(f"circuit open after: {self.detail}")
            if self.open_until:
                # this request asks the upstream; the others wait out its timeout, not theirs
                self.open_until = now + settings.UPSTREAM_RESOLVER_TIMEOUT + 1

    def succeeded(self) -> None:
        if self.open_until:
            self.reset()

    def failed(self, detail: str) -> None:
        logger.warning(
            "upstream resolver failed, not asked again for %ss: %s", settings.UPSTREAM_FAILURE_SECONDS, detail
        )
        with self.lock:
            self.open_until = time.monotonic() + settings.UPSTREAM_FAILURE_SECONDS
            self.detail = detail

    def reset(self) -> None:
        with self.lock:
            self.open_until = 0.0
            self.detail = ""


upstream_breaker = _Breaker()


def load_upstream_record(handle: str) -> dict | None:
    """Ask the configured upstream resolver's Handle REST API. None only for "not found"."""
    upstream_breaker.check()
    base = settings.UPSTREAM_RESOLVER_URL.rstrip("/")
    url = f"{base}/api/handles/{urllib.parse.quote(handle, safe='/')}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        try:
            with urllib.request.urlopen(request, timeout=settings.UPSTREAM_RESOLVER_TIMEOUT) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                body = json.loads(exc.read())
            except ValueError:
                raise UpstreamError(f"{url}: HTTP {exc.code}") from exc
            code = body.get("responseCode") if isinstance(body, dict) else None
            if code == 100:
                upstream_breaker.succeeded()
                return None
            if not isinstance(code, int) or code in (1, 2):
                raise UpstreamError(f"{url}: HTTP {exc.code} {body!r:.300}") from exc
            # a Handle answer (not responsible, authentication needed, ...): passed on, and the
            # upstream is working
            raise UpstreamError(f"{url}: HTTP {exc.code} code {code}", code=code) from exc
        except (OSError, ValueError) as exc:
            raise UpstreamError(f"{url}: {exc}") from exc
        if not isinstance(body, dict):
            raise UpstreamError(f"{url}: not a Handle answer: {body!r:.300}")
    except UpstreamError as exc:
        if exc.code == 2:
            upstream_breaker.failed(str(exc))
        else:
            upstream_breaker.succeeded()  # a Handle answer: the upstream is working
        raise
    upstream_breaker.succeeded()
    values = body.get("values") or []
    ttls = [v.get("ttl") for v in values if isinstance(v.get("ttl"), int)]
    ttl = min(ttls) if ttls else UPSTREAM_MAX_TTL
    return {
        "kind": "upstream",
        "handle": body.get("handle") or handle,
        "status": "active",
        "values": values,
        "items": [],
        "ttl": max(UPSTREAM_MIN_TTL, min(ttl, UPSTREAM_MAX_TTL)),
    }


def get_record(handle_ci: str, prefix_ci: str, handle: str) -> dict | None:
    """Cached record of a handle: local registry or, for other prefixes, the upstream resolver."""
    if is_local_prefix(prefix_ci):
        return cache.fetch(handle_ci, load_local_record, shared=setting("RESOLUTION_SHARED_CACHE"))
    # Upstream answers: cached under their own key space, for the upstream values' TTL, keyed by
    # the handle as the upstream sees it (suffix case kept: "x/A" and "x/a" are two handles).
    # Written to Redis inline: other processes should find it rather than ask the upstream again.
    return cache.fetch(
        "up:" + prefix_ci + "/" + handle.partition("/")[2],
        lambda _key: load_upstream_record(handle),
        ttl=lambda r: r["ttl"],
        defer_fill=False,
    )


# ------------------------------------------------------------------ dashboards
def daily_stats(*, enterprise=None, days: int = 14) -> dict:
    """Resolutions per day, p50/p99 per day and top identifiers over ``days`` days."""
    from apps.resolution.models import ResolutionStat

    since = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=days - 1)
    since = since.replace(hour=0)
    rows = ResolutionStat.objects.filter(hour__gte=since)
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    per_day_count = dict(
        rows.annotate(day=TruncDate("hour", tzinfo=dt.UTC))
        .values("day")
        .annotate(n=Sum("count"))
        .values_list("day", "n")
    )
    buckets_by_day: dict[dt.date, list[int]] = {}
    top: dict[str, int] = {}
    for row in rows.only("hour", "latency_buckets", "top"):
        day = row.hour.astimezone(dt.UTC).date()
        buckets_by_day[day] = counters.merge_buckets(buckets_by_day.get(day, []), row.latency_buckets)
        for handle, n in (row.top or {}).items():
            top[handle] = top.get(handle, 0) + n
    start = since.date()
    day_list = [start + dt.timedelta(days=i) for i in range(days)]
    all_buckets: list[int] = []
    for b in buckets_by_day.values():
        all_buckets = counters.merge_buckets(all_buckets, b)
    return {
        "days": day_list,
        "counts": [int(per_day_count.get(d) or 0) for d in day_list],
        "p50": [counters.percentile(buckets_by_day.get(d, []), 0.5) or 0 for d in day_list],
        "p99": [counters.percentile(buckets_by_day.get(d, []), 0.99) or 0 for d in day_list],
        "total": sum(int(v or 0) for v in per_day_count.values()),
        "p50_all": counters.percentile(all_buckets, 0.5),
        "p99_all": counters.percentile(all_buckets, 0.99),
        "top": sorted(top.items(), key=lambda kv: -kv[1])[:10],
    }
