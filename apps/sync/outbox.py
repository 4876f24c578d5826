"""Writing to the sync outbox. Registry services call this inside their transaction."""

from __future__ import annotations

from django.db import transaction

from apps.sync.models import OutboxEntry, OutboxOperation


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


def outbox_record_many(entries: list[tuple[str, str, object | None, dict]]) -> int:
    """Bulk form for imports: [(operation, handle, identifier, payload), ...]."""
    rows = [
        OutboxEntry(operation=op, handle=handle, identifier=ident, payload=payload or {})
        for op, handle, ident, payload in entries
    ]
    OutboxEntry.objects.bulk_create(rows, batch_size=2000)
    if rows:
        transaction.on_commit(_kick)
    return len(rows)


__all__ = ["OutboxOperation", "outbox_record", "outbox_record_many"]
