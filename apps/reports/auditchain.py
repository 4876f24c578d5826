"""The audit hash chain as the reports check it: incrementally from a stored checkpoint (the
entries written since the last good check) on every report, in full by the nightly task.

The chain itself and its digest are the audit app's (apps.audit.services.entry_digest); only
the bookkeeping of how far it is known good lives here. Writers append under an advisory lock
held to commit, so ids grow in chain order and "the entries after the checkpoint" are exactly
the tail of the chain.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.models import AuditEntry
from apps.audit.services import GENESIS_HASH, entry_digest
from apps.reports.models import AuditCheckpoint

CHECKPOINT_PK = 1


@dataclass
class ChainCheck:
    ok: bool
    mode: str  # "full" | "incremental"
    checked: int  # entries whose digest was recomputed
    from_id: int  # the checkpoint the check started from (0: the genesis)
    last_id: int  # the last entry found good
    bad_id: int | None = None
    checkpoint: AuditCheckpoint | None = None


def _walk(entries, prev: str) -> tuple[bool, int, int | None, int | None, str]:
    """(ok, checked, first bad id, last good id, last good hash) over ``entries`` in id order."""
    checked = 0
    last_id = None
    for entry in entries:
        checked += 1
        if entry.prev_hash != prev or entry_digest(entry) != entry.hash:
            return False, checked, entry.pk, last_id, prev
        prev, last_id = entry.hash, entry.pk
    return True, checked, None, last_id, prev


def _advance(last_id: int | None, last_hash: str, **fields) -> AuditCheckpoint:
    """Move the checkpoint forward (never back: a slower concurrent check must not undo a
    faster one) and record ``fields``."""
    now = timezone.now()
    with transaction.atomic():
        checkpoint, _created = AuditCheckpoint.objects.select_for_update().get_or_create(pk=CHECKPOINT_PK)
        if last_id is not None and last_id > checkpoint.last_id:
            checkpoint.last_id, checkpoint.last_hash = last_id, last_hash
        checkpoint.verified_at = now
        for name, value in fields.items():
            setattr(checkpoint, name, value)
        checkpoint.save()
    return checkpoint


def audit_chain_check(*, full: bool = False) -> ChainCheck:
    """Verify the chain: from the checkpoint (the default, what a report does) or from the
    genesis (``full``). A good check moves the checkpoint to the last entry; a full check also
    records its result, which the reports show beside their own incremental one."""
    with schema_context(get_public_schema_name()):
        checkpoint = AuditCheckpoint.objects.filter(pk=CHECKPOINT_PK).first()
        if full or checkpoint is None or not checkpoint.last_id:
            return _full(checkpoint)
        return _incremental(checkpoint)


def _full(checkpoint: AuditCheckpoint | None) -> ChainCheck:
    entries = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
    ok, checked, bad_id, last_id, last_hash = _walk(entries, GENESIS_HASH)
    checkpoint = _advance(
        last_id if ok else None,
        last_hash,
        full_verified_at=timezone.now(),
        full_ok=ok,
        full_checked=checked,
        full_bad_id=bad_id,
    )
    return ChainCheck(
        ok=ok,
        mode="full",
        checked=checked,
        from_id=0,
        last_id=last_id or 0,
        bad_id=bad_id,
        checkpoint=checkpoint,
    )


def _incremental(checkpoint: AuditCheckpoint) -> ChainCheck:
    start = checkpoint.last_id
    # The anchor must still be the entry the checkpoint saw (deleted or rewritten: caught here).
    anchor = AuditEntry.objects.filter(pk=start).first()
    if anchor is None or anchor.hash != checkpoint.last_hash or entry_digest(anchor) != anchor.hash:
        return ChainCheck(
            ok=False,
            mode="incremental",
            checked=1,
            from_id=start,
            last_id=start,
            bad_id=start,
            checkpoint=checkpoint,
        )
    entries = AuditEntry.objects.filter(pk__gt=start).order_by("id").iterator(chunk_size=2000)
    ok, checked, bad_id, last_id, last_hash = _walk(entries, checkpoint.last_hash)
    if ok:
        checkpoint = _advance(last_id, last_hash)
    return ChainCheck(
        ok=ok,
        mode="incremental",
        checked=checked + 1,
        from_id=start,
        last_id=last_id or start,
        bad_id=bad_id,
        checkpoint=checkpoint,
    )
