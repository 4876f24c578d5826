"""The one way to write the audit log."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.audit.hashing import sm3_hex
from apps.audit.models import AuditEntry
from apps.audit.signals import entries_appended
from apps.core import request_context

GENESIS_HASH = "0" * 64
# Serialises writers so the chain has no forks; taken inside the caller's transaction and
# released at its commit, so an entry and the change it records commit together.
_CHAIN_LOCK_KEY = 0x5041524B  # "PARK"


def entry_digest(entry: AuditEntry) -> str:
    payload = {
        "created_at": entry.created_at.isoformat(),
        "actor_user": entry.actor_user_id,
        "actor": entry.actor,
        "tenant": entry.tenant_schema,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "client_ip": entry.client_ip,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return sm3_hex(canonical.encode("utf-8"))


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list]:
    """{field: [before, after]} for the fields that changed."""
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


@transaction.atomic
def audit_write(
    *,
    action: str,
    object_type: str,
    object_id: Any = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: dict[str, list] | None = None,
    tenant_schema: str | None = None,
    actor: str | None = None,
    actor_user_id: int | None = None,
) -> AuditEntry:
    """Append one entry. The actor, request id and client IP come from the current request or
    task context (apps.core.request_context) unless given."""
    ctx = request_context.current()
    if tenant_schema is None:
        tenant_schema = getattr(connection, "schema_name", "") or ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditEntry(
        created_at=timezone.now(),
        actor_user_id=actor_user_id if actor_user_id is not None else ctx.user_id,
        actor=(actor or ctx.actor_label)[:150],
        tenant_schema=tenant_schema,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:300],
        changes=_jsonable(changes if changes is not None else diff(before, after)),
        request_id=ctx.request_id,
        client_ip=ctx.client_ip,
        prev_hash=last or GENESIS_HASH,
    )
    entry.hash = entry_digest(entry)
    entry.save(force_insert=True)
    entries_appended.send(sender=AuditEntry, after_id=entry.pk - 1, last_id=entry.pk)
    return entry


@dataclass
class AuditRecord:
    """One entry for ``audit_write_many`` (imports, sync batches)."""

    action: str
    object_type: str
    object_id: Any = ""
    object_repr: str = ""
    changes: dict[str, list] = field(default_factory=dict)
    tenant_schema: str | None = None


# The canonical text of entry_digest, built from precomputed pieces for bulk writes.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode
_PLAIN = json.JSONEncoder(ensure_ascii=False, default=str).encode
_AUDIT_COLUMNS = (
    "created_at", "actor_user_id", "actor", "tenant_schema", "action", "object_type", "object_id",
    "object_repr", "changes", "request_id", "client_ip", "prev_hash", "hash",
)  # fmt: skip


@transaction.atomic
def audit_write_many(
    records: Iterable[AuditRecord], *, actor: str | None = None, batch_size: int = 2000
) -> int:
    """Append many entries in one chain segment (a 100,000-row import must not cost a query
    per row): one lock, one read of the chain's head, one COPY. ``records`` may be a generator;
    it is streamed, never held whole. Same actor/request context for all of them. Each entry's
    hash is exactly ``entry_digest`` of the stored row (``audit_verify`` recomputes it);
    ``batch_size`` is kept for callers of the former bulk_create form and no longer used."""
    from apps.core.db import copy_rows

    records = iter(records)
    first = next(records, None)
    if first is None:
        return 0
    ctx = request_context.current()
    default_schema = getattr(connection, "schema_name", "") or ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    head_id, prev = head if head else (0, GENESIS_HASH)
    now = timezone.now()
    actor_label = (actor or ctx.actor_label)[:150]
    request_id = ctx.request_id
    # The fields every entry of this call shares, as canonical JSON fragments.
    enc = _CANONICAL
    shared_actor = ',"actor":' + enc(actor_label) + ',"actor_user":' + enc(ctx.user_id)
    shared_ip = ',"client_ip":' + enc(ctx.client_ip) + ',"created_at":' + enc(now.isoformat())
    shared_request = '","request_id":' + enc(request_id) + ',"tenant":'
    digest = sm3_hex

    def rows():
        nonlocal prev
        for record in itertools.chain((first,), records):
            tenant = record.tenant_schema if record.tenant_schema is not None else default_schema
            object_id = str(record.object_id)[:64]
            object_repr = str(record.object_repr)[:300]
            changes = enc(json.loads(_PLAIN(record.changes)))  # what the stored jsonb gives back
            canonical = (
                '{"action":' + enc(record.action) + shared_actor + ',"changes":' + changes + shared_ip
                + ',"object_id":' + enc(object_id) + ',"object_repr":' + enc(object_repr)
                + ',"object_type":' + enc(record.object_type) + ',"prev_hash":"' + prev
                + shared_request + enc(tenant) + "}"
            )  # fmt: skip
            entry_hash = digest(canonical.encode("utf-8"))
            yield (
                now, ctx.user_id, actor_label, tenant, record.action, record.object_type, object_id,
                object_repr, changes, request_id, ctx.client_ip, prev, entry_hash,
            )  # fmt: skip
            prev = entry_hash

    count = copy_rows(AuditEntry._meta.db_table, _AUDIT_COLUMNS, rows())
    if count and entries_appended.receivers:
        # The chain lock is held: every entry above the head read under it is this call's.
        last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        entries_appended.send(sender=AuditEntry, after_id=head_id, last_id=last_id)
    return count


@dataclass
class ChainVerification:
    """The result of recomputing the chain: ``ok`` and the first ``bad`` entry; ``checked``
    entries read; the ``head`` (last hash) and ``count`` to record as a checkpoint; for an
    expected head, the 1-based position where it was found (None: not in the chain)."""

    ok: bool
    bad: AuditEntry | None
    checked: int
    head: str
    count: int
    expected_at: int | None = None


def audit_chain_verify(*, expect_head: str | None = None) -> ChainVerification:
    """Recompute the chain in id order. A recorded checkpoint (head hash, entry count) still
    holds when ``expect_head`` is found at that position: a wiped or rebuilt log cannot
    contain it again."""
    prev = GENESIS_HASH
    checked = 0
    expected_at = None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if entry.prev_hash != prev or entry_digest(entry) != entry.hash:
            return ChainVerification(False, entry, checked, prev, checked - 1, expected_at)
        prev = entry.hash
        if expect_head is not None and entry.hash == expect_head:
            expected_at = checked
    return ChainVerification(True, None, checked, prev, checked, expected_at)


def audit_verify() -> tuple[bool, AuditEntry | None, int]:
    """Recompute the chain in id order. Returns (ok, first bad entry, entries checked)."""
    check = audit_chain_verify()
    return check.ok, check.bad, check.checked
