"""Writing to the sync outbox. Registry services call this inside their transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from apps.sync.models import OutboxEntry, OutboxOperation, OutboxStatus


def _kick() -> None:
    from apps.sync.services import sync_kick

    sync_kick()


def outbox_record(
    *, operation: str, handle: str, identifier=None, payload: dict | None = None
) -> OutboxEntry:
    entry = OutboxEntry.objects.create(
        operation=operation,
        handle=handle,
        identifier=identifier,
        payload=payload or {},
    )
    transaction.on_commit(_kick)
    return entry


def outbox_record_many(entries: Iterable[tuple[str, str, object | None, dict]]) -> int:
    """Bulk form for imports: [(operation, handle, identifier, payload), ...], one COPY.
    ``identifier`` is an Identifier, its primary key or None; ``entries`` may be a generator
    (streamed, never held whole)."""
    from apps.core.db import copy_rows

    now = timezone.now()
    pending = OutboxStatus.PENDING
    dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode

    def rows():
        for op, handle, ident, payload in entries:
            ident_id = getattr(ident, "pk", ident)
            yield (op, handle, ident_id, dumps(payload) if payload else "{}", pending, 0, "", now)

    count = copy_rows(
        OutboxEntry._meta.db_table,
        ("operation", "handle", "identifier_id", "payload", "status", "attempts", "last_error", "created_at"),
        rows(),
    )
    if count:
        transaction.on_commit(_kick)
    return count


__all__ = ["OutboxOperation", "outbox_record", "outbox_record_many"]
