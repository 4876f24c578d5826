"""The log's storage shape: interior nodes are stored from level STORED_FROM up, the lower ones
are hashed from the leaves they cover when read. Roots and proofs of the stored log are the
in-memory tree's (RFC 9162, SHA-256) at every size, whatever the batches; the node rows are
exactly the complete subtrees from STORED_FROM up; a proof is one query of O(log n) rows; the
tables stay append-only and a log with entries cannot be deleted (there is no foreign key)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.evidence import log as evlog
from apps.evidence import merkle
from apps.evidence.models import EvidenceLog, LogNode

H = merkle.hash_function("sha256")
SIZE = 75  # several blocks of 2^STORED_FROM leaves and a ragged right edge
BATCHES = [1, 2, 5, 8, 16, 3, 17, 23]  # sums to 75: appends that start and end anywhere in a block


def _memory(leaf_inputs):
    leaves = [merkle.leaf_hash(H, x) for x in leaf_inputs]
    new_nodes, _frontier = merkle.append_leaves(H, [], 0, leaves)
    nodes = {(lv, i): v for lv, i, v in new_nodes}
    return leaves, nodes, (lambda level, index: leaves[index] if level == 0 else nodes[(level, index)])


@pytest.fixture
def stored(park):
    inputs = [f"entry {n}".encode() for n in range(SIZE)]
    log = evlog.log_create(origin="storage.test", hash_algorithm="sha256")
    start = 0
    for count in BATCHES:
        evlog.append(log=log, entries=[evlog.NewEntry(entry=x) for x in inputs[start : start + count]])
        start += count
    log.refresh_from_db()
    return log, inputs


def test_hash_function_is_the_hashlib_one():
    import hashlib

    for name in merkle.ALGORITHMS:
        h = merkle.hash_function(name)
        assert h(b"abc") == hashlib.new(name, b"abc").digest()
        assert h(b"") == hashlib.new(name).digest()  # the prototype is copied, never updated


def test_appending_in_batches_makes_the_tree_of_appending_one_by_one():
    leaves = [merkle.leaf_hash(H, bytes([n])) for n in range(70)]
    one_by_one, frontier = {}, []
    for size, leaf in enumerate(leaves):
        new, frontier = merkle.append_leaves(H, frontier, size, [leaf])
        one_by_one.update({(lv, i): v for lv, i, v in new})
    for cut in range(0, 70):
        first, front = merkle.append_leaves(H, [], 0, leaves[:cut])
        second, front = merkle.append_leaves(H, front, cut, leaves[cut:])
        assert {(lv, i): v for lv, i, v in first + second} == one_by_one
        assert front == frontier


@pytest.mark.django_db
def test_roots_and_proofs_of_the_stored_log_are_the_trees_at_every_size(stored):
    log, inputs = stored
    _leaves, _nodes, get = _memory(inputs)
    assert log.size == SIZE and bytes(log.root) == merkle.root(H, get, SIZE)
    for size in range(1, SIZE + 1):
        assert evlog.tree_root(log, size) == merkle.root(H, get, size)
    for size in (1, 15, 16, 17, 31, 32, 33, 48, 64, 74, SIZE):
        for index in range(size):
            assert evlog.inclusion_proof(log, index, size) == merkle.inclusion_proof(H, get, index, size)
        for first in range(1, size + 1):
            assert evlog.consistency_proof(log, first, size) == merkle.consistency_proof(H, get, first, size)


@pytest.mark.django_db
def test_only_complete_subtrees_from_the_stored_level_up_are_rows(stored):
    log, inputs = stored
    _leaves, nodes, _get = _memory(inputs)
    rows = {(n.level, n.index): bytes(n.hash) for n in LogNode.objects.filter(log=log)}
    expected = {key: value for key, value in nodes.items() if key[0] >= evlog.STORED_FROM}
    assert rows == expected and rows  # 75 leaves: four level-4 nodes, two level-5, one level-6


@pytest.mark.django_db
def test_a_proof_is_one_query_of_logarithmically_many_rows(stored):
    log, _inputs = stored
    wanted = merkle.nodes_needed(merkle.inclusion_proof, 37, SIZE)
    with CaptureQueriesContext(connection) as queries:
        found = evlog.read_nodes(log, wanted)
    reads = [q["sql"] for q in queries if not q["sql"].upper().startswith("SET ")]  # the tenant search path
    assert len(reads) == 1
    assert set(found) >= wanted
    # the leaves read: the nodes' own below STORED_FROM, at most 2^STORED_FROM − 1 for the leaf's
    # block and as many for the ragged right edge
    with connection.cursor() as cursor:
        cursor.execute(reads[0])
        rows = cursor.fetchall()
    assert len(rows) <= SIZE.bit_length() + 2 * (1 << evlog.STORED_FROM)


@pytest.mark.django_db
def test_a_missing_leaf_is_named_by_the_node_it_would_have_made(stored):
    log, _inputs = stored
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # a superuser behind the triggers
        cursor.execute("DELETE FROM evidence_logentry WHERE log_id = %s AND index = 66", [log.pk])
        cursor.execute("SET session_replication_role = origin")
    with pytest.raises(evlog.MissingNode) as missing:
        evlog.inclusion_proof(log, 71, SIZE)  # its sibling path needs the level-2 node over 64…67
    assert (missing.value.level, missing.value.index) == (2, 16)
    assert evlog.inclusion_proof(log, 10, 64)  # elsewhere the tree reads as before


@pytest.mark.django_db
def test_stored_nodes_refuse_update_and_delete_and_a_log_with_entries_stays(stored):
    log, _inputs = stored
    for statement in (
        "UPDATE evidence_lognode SET hash = 'x'",
        "DELETE FROM evidence_lognode",
        "DELETE FROM evidence_evidencelog",
    ):
        with pytest.raises(DatabaseError, match="append-only|DELETE refused"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert EvidenceLog.objects.filter(pk=log.pk).exists()
    empty = evlog.log_create(origin="empty.test", hash_algorithm="sha256")
    EvidenceLog.objects.filter(pk=empty.pk).delete()  # nothing refers to it: it may go
