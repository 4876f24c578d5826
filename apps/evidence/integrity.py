"""The tamper check: recompute the log from its stored entries and compare with the signed heads.

Streaming the entries in index order (O(log n) memory), it checks that

- every index from 0 to the log's size is there once (a removed entry is a gap);
- each stored leaf hash is H(0x00 ‖ entry) of the stored entry bytes (an edited entry);
- each entry's digest is the one its evidence code's public record shows (an entry rewritten
  together with its leaf hash);
- the root recomputed from the leaves equals every signed head's root at that head's size (any
  change the checks above miss, e.g. the whole path rewritten).

Problems are named by index and evidence code; the audit log records them, an alert is raised and
the park dashboard shows it red (``LogCheck``).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.evidence import log as evlog
from apps.evidence import merkle
from apps.evidence.choices import AlertKind
from apps.evidence.models import EvidenceLog, LogCheck, LogEntry, SignedTreeHead
from apps.evidence.seed import EVIDENCE_TEMPLATE_CODE
from apps.evidence.services import alert_raise
from apps.identifiers.models import Identifier

BATCH = 5000


def _registry_digests(codes: list[str]) -> dict[str, str]:
    found = {}
    rows = Identifier.objects.filter(handle__in=codes).values_list("handle", "values")
    for handle, values in rows:
        for value in values or []:
            if value.get("type") == "evidence_digest":
                found[handle] = (value.get("data") or {}).get("value", "")
    return found


def _code_of_index(index: int) -> str:
    """A removed entry's evidence code, from the registry's record of its leaf index."""
    row = (
        Identifier.objects.filter(template_version__template__code=EVIDENCE_TEMPLATE_CODE)
        .filter(Q(values__contains=[{"type": "leaf_index", "data": {"value": str(index)}}]))
        .values_list("handle", flat=True)
        .first()
    )
    return row or ""


def log_verify(*, log: EvidenceLog | None = None, progress=None) -> LogCheck:
    log = log or evlog.park_log()
    h = evlog.hasher(log)
    heads = {s.tree_size: bytes(s.root_hash) for s in SignedTreeHead.objects.filter(log=log)}
    size = EvidenceLog.objects.filter(pk=log.pk).values_list("size", flat=True).first() or 0
    problems: list[dict[str, Any]] = []
    frontier: list = []
    expected = 0
    batch: list[tuple[int, str, str]] = []

    def check_batch():
        digests = _registry_digests([code for _i, code, _d in batch if code])
        for index, code, digest in batch:
            if code and digests.get(code, digest) != digest:
                problems.append({"index": index, "code": code, "problem": "digest_mismatch"})
        batch.clear()

    def compare_head(count: int):
        if count in heads and merkle.root_of_frontier(h, frontier) != heads[count]:
            problems.append({"index": count - 1, "code": "", "problem": "root_mismatch", "tree_size": count})

    with transaction.atomic():  # one snapshot for the whole walk
        if 0 in heads and heads[0] != merkle.empty_root(h):
            problems.append({"index": -1, "code": "", "problem": "root_mismatch", "tree_size": 0})
        rows = (
            LogEntry.objects.filter(log=log)
            .order_by("index")
            .values_list("index", "entry", "leaf_hash", "code")
        )
        for index, entry, stored_leaf, code in rows.iterator(chunk_size=BATCH):
            entry = bytes(entry)
            while expected < index:  # a gap: removed entries
                problems.append({"index": expected, "code": _code_of_index(expected), "problem": "removed"})
                # the tree cannot be rebuilt past a gap: the heads above it fail too
                frontier = merkle.append_leaves(h, frontier, expected, [b"\x00" * len(h(b""))])[1]
                expected += 1
                compare_head(expected)
            if index < expected:
                problems.append({"index": index, "code": code, "problem": "duplicate"})
                continue
            leaf = merkle.leaf_hash(h, entry)
            if leaf != bytes(stored_leaf):
                problems.append({"index": index, "code": code, "problem": "changed"})
            try:
                digest = json.loads(entry).get("digest", "")
            except ValueError:
                digest = ""
            batch.append((index, code, digest))
            if len(batch) >= BATCH:
                check_batch()
            frontier = merkle.append_leaves(h, frontier, index, [leaf])[1]
            expected = index + 1
            compare_head(expected)
            if progress and expected % 100_000 == 0:
                progress(expected, size)
        check_batch()
        while expected < size:
            problems.append({"index": expected, "code": _code_of_index(expected), "problem": "removed"})
            expected += 1
    problems.sort(key=lambda p: (p["index"], p["problem"]))
    check = LogCheck.objects.create(
        created_at=timezone.now(), ok=not problems, checked=expected, tree_size=size, problems=problems[:1000]
    )
    if problems:
        named = ", ".join(f"#{p['index']} {p['code'] or '?'} ({p['problem']})" for p in problems[:10])
        audit_write(
            action="evidence.tamper_found",
            object_type="evidence.LogCheck",
            object_id=check.pk,
            object_repr=named[:300],
            changes={"problems": [None, problems[:100]]},
            tenant_schema="public",
        )
        alert_raise(
            kind=AlertKind.TAMPER,
            message=_("存证日志校验发现 %(n)s 处篡改：%(named)s") % {"n": len(problems), "named": named},
            details={"check": check.pk},
        )
    return check
