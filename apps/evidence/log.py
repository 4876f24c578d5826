"""The park's Merkle log in PostgreSQL (public schema): appends, roots, proofs, tree heads.

Appending takes the log row's lock (``SELECT … FOR UPDATE``), so concurrent appenders queue:
each gets the next indices, no index twice, no gap. It reads the frontier of the current tree
(at most log₂ n stored hashes), writes the leaves and the interior nodes they complete (binary
COPY), and stores the new size and root on the log row — O(log n) reads per batch.

Interior nodes are stored from level ``STORED_FROM`` up (one row per 2^(STORED_FROM−1) leaves):
a node below that level covers at most 2^(STORED_FROM−1) leaves and is hashed from their stored
leaf hashes, read in the same query as the stored nodes. A root or a proof still reads O(log n)
rows in one query: the stored nodes it needs and at most two blocks of 2^STORED_FROM leaves.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.evidence import merkle
from apps.evidence import sth as sth_format
from apps.evidence.models import EvidenceLog, LogEntry, LogNode, SignedTreeHead
from apps.terminals import keys

ENTRY_COLUMNS = (
    "log_id", "index", "leaf_hash", "entry", "code", "enterprise_id", "evidence_type", "digest",
    "supersedes", "created_at",
)  # fmt: skip
NODE_COLUMNS = ("log_id", "level", "index", "hash")
# the binary COPY's column types, in the order of the columns above
ENTRY_TYPES = ("int8", "int8", "bytea", "bytea", "text", "int8", "text", "text", "text", "timestamptz")
NODE_TYPES = ("int8", "int2", "int8", "bytea")
# interior nodes of levels 1 … STORED_FROM − 1 are not stored: hashed from their leaves when read
STORED_FROM = 4


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass
class NewEntry:
    entry: dict | bytes  # the leaf's input: canonical JSON of a dict, or the bytes themselves
    code: str = ""
    enterprise_id: int | None = None
    evidence_type: str = ""
    digest: str = ""
    supersedes: str = ""


def default_origin() -> str:
    return settings.EVIDENCE_LOG_ORIGIN or f"{settings.PARK_DOMAIN}/evidence"


def park_log() -> EvidenceLog:
    """The park's log (created with its key on first use)."""
    log = EvidenceLog.objects.filter(origin=default_origin()).first()
    return log or log_create(origin=default_origin(), hash_algorithm=settings.EVIDENCE_HASH)


def log_create(*, origin: str, hash_algorithm: str = "sm3") -> EvidenceLog:
    merkle.hash_function(hash_algorithm)  # refuses an unknown one
    configured = settings.EVIDENCE_LOG_KEY_PEM
    private = keys.load_private_key(configured) if configured else keys.generate_private_key("sm2")
    log, _created = EvidenceLog.objects.get_or_create(
        origin=origin,
        defaults={
            "hash_algorithm": hash_algorithm,
            "root": merkle.empty_root(merkle.hash_function(hash_algorithm)),
            "public_key": keys.public_key_of(private).pem,
            "private_key": "" if configured else keys.private_key_pem(private),
        },
    )
    return log


def hasher(log: EvidenceLog):
    return merkle.hash_function(log.hash_algorithm)


def signing_key(log: EvidenceLog):
    return keys.load_private_key(log.private_key or settings.EVIDENCE_LOG_KEY_PEM)


def key_fingerprint(pem: str) -> str:
    return keys.parse_public_key(pem).fingerprint


# ---------------------------------------------------------------- reading nodes
def read_nodes(log: EvidenceLog, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The hashes of ``wanted`` in one query: level 0 are the entries' leaf hashes, levels from
    STORED_FROM up are stored nodes, the levels between are hashed from their leaves. A node
    whose leaves or row are missing is left out (the getter names it)."""
    log_id = log.pk
    found: dict[tuple[int, int], bytes] = {}
    computed = [(level, i) for level, i in wanted if 0 < level < STORED_FROM]
    leaf_set = {i for level, i in wanted if level == 0}
    for level, i in computed:
        leaf_set.update(range(i << level, (i + 1) << level))
    leaves = sorted(leaf_set)
    inner = [(level, i) for level, i in wanted if level >= STORED_FROM]
    parts, params = [], []
    runs: list[list[int]] = []  # the leaves as runs of consecutive indices: one index range each
    for i in leaves:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    for first, last in runs:
        parts.append(
            f"SELECT 0, index, leaf_hash FROM {LogEntry._meta.db_table} WHERE log_id = %s AND index BETWEEN %s AND %s"
        )
        params += [log_id, first, last]
    if inner:
        # a row-constructor list: the planner turns it into index lookups (a join against
        # unnest() was planned as a scan of the whole node table)
        pairs = ", ".join(["(%s, %s)"] * len(inner))
        parts.append(
            f"SELECT level, index, hash FROM {LogNode._meta.db_table} WHERE log_id = %s AND (level, index) IN ({pairs})"
        )
        params += [log_id, *[v for pair in inner for v in pair]]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for level, index, value in cursor.fetchall():
                found[(level, index)] = bytes(value)
    if computed:
        h = hasher(log)
        for level, i in computed:
            try:
                run = [found[(0, j)] for j in range(i << level, (i + 1) << level)]
            except KeyError:
                continue  # a leaf is missing: so is the node
            while len(run) > 1:
                run = [
                    merkle.node_hash(h, left, right)
                    for left, right in zip(run[0::2], run[1::2], strict=False)
                ]
            found[(level, i)] = run[0]
    return found


class MissingNode(Exception):
    def __init__(self, level: int, index: int):
        super().__init__(f"node {level}/{index} missing")
        self.level, self.index = level, index


def _getter(nodes: dict):
    def get(level: int, index: int) -> bytes:
        try:
            return nodes[(level, index)]
        except KeyError:
            raise MissingNode(level, index) from None

    return get


def _run(log: EvidenceLog, fn, *args):
    nodes = read_nodes(log, merkle.nodes_needed(fn, *args))
    return fn(hasher(log), _getter(nodes), *args)


def tree_root(log: EvidenceLog, size: int) -> bytes:
    if size == 0:
        return merkle.empty_root(hasher(log))
    return _run(log, merkle.root, size)


def inclusion_proof(log: EvidenceLog, index: int, size: int) -> list[bytes]:
    return _run(log, merkle.inclusion_proof, index, size)


def consistency_proof(log: EvidenceLog, first: int, second: int) -> list[bytes]:
    if first == second or first == 0:
        return []
    return _run(log, merkle.consistency_proof, first, second)


# ---------------------------------------------------------------- appending
@transaction.atomic
def append(*, log: EvidenceLog, entries: list[NewEntry], now=None) -> tuple[int, list[bytes]]:
    """Append ``entries`` in order; returns the first index and the leaf hashes."""
    locked = EvidenceLog.objects.select_for_update().get(pk=log.pk)
    return _append_locked(locked, entries, now=now)


def lock(log: EvidenceLog) -> EvidenceLog:
    """The log row, locked until the transaction ends (the caller's next index is ``size``)."""
    return EvidenceLog.objects.select_for_update().get(pk=log.pk)


def _copy_binary(table: str, columns: tuple[str, ...], types: tuple[str, ...], rows) -> None:
    """COPY ``rows`` in PostgreSQL's binary format inside the caller's transaction: no text to
    build on our side or to parse on the server's (bytea travels as bytes, not hex)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN (FORMAT BINARY)') as copy:
            copy.set_types(types)
            write = copy.write_row
            for row in rows:
                write(row)


def _append_locked(locked: EvidenceLog, entries: list[NewEntry], *, now=None) -> tuple[int, list[bytes]]:
    if not entries:
        return locked.size, []
    h = hasher(locked)
    size = locked.size
    wanted = merkle.frontier_nodes(size)
    nodes = read_nodes(locked, set(wanted))
    frontier = [(level, index, nodes[(level, index)]) for level, index in wanted]
    now = now or timezone.now()
    blobs = [e.entry if isinstance(e.entry, bytes) else canonical(e.entry) for e in entries]
    leaves = [h(b"\x00" + b) for b in blobs]  # merkle.leaf_hash, without a call per leaf
    new_nodes, frontier = merkle.append_leaves(h, frontier, size, leaves)
    log_id = locked.pk
    _copy_binary(
        LogEntry._meta.db_table,
        ENTRY_COLUMNS,
        ENTRY_TYPES,
        (
            (log_id, size + i, leaves[i], blobs[i], e.code, e.enterprise_id, e.evidence_type, e.digest,
             e.supersedes, now)
            for i, e in enumerate(entries)
        ),
    )  # fmt: skip
    stored = [(log_id, lv, i, v) for lv, i, v in new_nodes if lv >= STORED_FROM]
    if stored:
        _copy_binary(LogNode._meta.db_table, NODE_COLUMNS, NODE_TYPES, stored)
    root = merkle.root_of_frontier(h, frontier)
    EvidenceLog.objects.filter(pk=log_id).update(size=size + len(entries), root=root, updated_at=now)
    locked.size, locked.root = size + len(entries), root
    return size, leaves


# ---------------------------------------------------------------- signed tree heads
def sth_body(log: EvidenceLog, size: int, root: bytes, timestamp: int) -> bytes:
    return sth_format.sth_body(log.origin, log.hash_algorithm, size, root, timestamp)


def latest_sth(log: EvidenceLog) -> SignedTreeHead | None:
    return SignedTreeHead.objects.filter(log=log).order_by("-tree_size").first()


@transaction.atomic
def sth_make(log: EvidenceLog, *, force: bool = False) -> SignedTreeHead | None:
    """Sign the current tree when it grew since the last head (or when there is none). The root is
    recomputed from the stored nodes and must equal the one the appends kept: a head is never
    signed over a tree that is not the stored one."""
    locked = lock(log)  # no append between reading the root and signing it
    last = latest_sth(locked)
    if last is not None and last.tree_size == locked.size:
        return last
    if last is not None and last.tree_size > locked.size:
        raise RuntimeError("the log is smaller than its last signed head")
    root = tree_root(locked, locked.size)
    if root != bytes(locked.root):
        raise RuntimeError("the stored tree does not match the log's root")
    now = timezone.now()
    timestamp = int(now.timestamp() * 1000)
    signature = keys.sign(signing_key(locked), sth_body(locked, locked.size, root, timestamp))
    return SignedTreeHead.objects.create(
        log=locked,
        tree_size=locked.size,
        root_hash=root,
        timestamp=timestamp,
        signature=signature,
        created_at=now,
    )


def sth_covering(log: EvidenceLog, index: int) -> SignedTreeHead | None:
    return SignedTreeHead.objects.filter(log=log, tree_size__gt=index).order_by("tree_size").first()


def sth_json(sth: SignedTreeHead) -> dict:
    return {
        "tree_size": sth.tree_size,
        "timestamp": sth.timestamp,
        "root_hash": base64.b64encode(bytes(sth.root_hash)).decode(),
        "signature": base64.b64encode(bytes(sth.signature)).decode(),
    }


def file_digest(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()
