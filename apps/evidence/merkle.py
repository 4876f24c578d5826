"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, with no Django in it:
the stand-alone verifier imports it.

Leaf hash ``H(0x00 ‖ entry)``, interior ``H(0x01 ‖ left ‖ right)``; a tree of ``n`` leaves
splits at ``k``, the largest power of two below ``n``. H is SM3 for the park's log and SHA-256
for a log that must reproduce the RFC 6962/9162 reference vectors.

Stored nodes are complete subtrees named ``(level, index)``: the node covers leaves
``[index·2^level, (index+1)·2^level)``. Any subtree of the RFC's shape is the fold of at most
log₂ n of them, so a root or a proof needs O(log n) stored hashes. The functions that build a
root or a proof take ``get(level, index) -> bytes``; ``nodes_needed`` runs them once with a
recorder to learn which nodes to read in one query, before the real run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

Getter = Callable[[int, int], bytes]

ALGORITHMS = ("sm3", "sha256")


def hash_function(name: str) -> Callable[[bytes], bytes]:
    if name not in ALGORITHMS:
        raise ValueError(f"unknown hash {name!r}")
    # a copy of a ready hash object: hashlib.new(name) looks the algorithm up on every call
    # (about a third of the cost of hashing a leaf-sized input)
    blank = hashlib.new(name)

    def h(data: bytes) -> bytes:
        state = blank.copy()
        state.update(data)
        return state.digest()

    return h


def empty_root(h) -> bytes:
    return h(b"")


def leaf_hash(h, entry: bytes) -> bytes:
    return h(b"\x00" + entry)


def node_hash(h, left: bytes, right: bytes) -> bytes:
    return h(b"\x01" + left + right)


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


# ---------------------------------------------------------------- building from stored nodes
def subtree_root(h, get: Getter, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range of the RFC's shape (start aligned to the range's split)."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        return get(n.bit_length() - 1, start // n)
    k = split_point(n)
    return node_hash(h, subtree_root(h, get, start, start + k), subtree_root(h, get, start + k, end))


def root(h, get: Getter, size: int) -> bytes:
    return empty_root(h) if size == 0 else subtree_root(h, get, 0, size)


def inclusion_proof(h, get: Getter, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 2.1.3.1, the leaf's sibling first."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(subtree_root(h, get, start + k, end))
            end = start + k
        else:
            path.append(subtree_root(h, get, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(h, get: Getter, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 2.1.4.1."""
    if not 0 < first <= second:
        raise ValueError("sizes must satisfy 0 < first ≤ second")
    out: list[bytes] = []
    start, end, m, whole = 0, second, first, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                out.append(subtree_root(h, get, start, end))
            break
        k = split_point(n)
        if m <= k:
            out.append(subtree_root(h, get, start + k, end))
            end = start + k
        else:
            out.append(subtree_root(h, get, start, start + k))
            start, m, whole = start + k, m - k, False
    out.reverse()
    return out


def nodes_needed(fn, *args) -> set[tuple[int, int]]:
    """The ``(level, index)`` nodes ``fn(h, get, *args)`` reads."""
    seen: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return b"\x00" * 32

    fn(lambda data: b"\x00" * 32, record, *args)
    return seen


# ---------------------------------------------------------------- appending
def frontier_nodes(size: int) -> list[tuple[int, int]]:
    """The complete subtrees whose fold is the tree of ``size`` leaves, largest first."""
    out = []
    start = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size & (1 << level):
            out.append((level, start >> level))
            start += 1 << level
    return out


def append_leaves(h, frontier: list[tuple[int, int, bytes]], size: int, leaves: list[bytes]):
    """Append ``leaves`` (leaf hashes) to a tree of ``size`` whose frontier is ``frontier``
    (``(level, index, hash)``, largest first). Returns the new interior nodes to store
    (``(level, index, hash)``, level ≥ 1) and the new frontier.

    Level by level: the run of new hashes at a level (with the frontier's node at that level in
    front when the run starts at an odd index) pairs into the run of the level above; an odd one
    left at the end is the new frontier's node at that level."""
    if len(leaves) == 1:  # one leaf (the tamper check's walk): merge up the frontier's stack
        stack = list(frontier)
        node = (0, size, leaves[0])
        new_nodes = []
        while stack and stack[-1][0] == node[0]:
            level, left_index, left = stack.pop()
            node = (level + 1, left_index >> 1, h(b"\x01" + left + node[2]))
            new_nodes.append(node)
        stack.append(node)
        return new_nodes, stack
    old = {level: (index, value) for level, index, value in frontier}
    new_nodes: list[tuple[int, int, bytes]] = []
    kept: list[tuple[int, int, bytes]] = []
    run, first, level = list(leaves), size, 0
    while run:
        if first & 1:  # the left sibling of the run's first hash is the frontier's node here
            index, value = old.pop(level)
            run.insert(0, value)
            first = index
        if len(run) & 1:
            kept.append((level, first + len(run) - 1, run.pop()))
        if not run:
            break
        run = [h(b"\x01" + left + right) for left, right in zip(run[0::2], run[1::2], strict=False)]
        first >>= 1
        level += 1
        new_nodes.extend((level, first + i, value) for i, value in enumerate(run))
    # the frontier's nodes above the levels the new leaves reached stay as they were
    kept.extend((lv, index, value) for lv, (index, value) in old.items())
    kept.sort(key=lambda node: -node[0])
    return new_nodes, kept


def root_of_frontier(h, frontier: list[tuple[int, int, bytes]]) -> bytes:
    if not frontier:
        return empty_root(h)
    value = frontier[-1][2]
    for _level, _index, left in reversed(frontier[:-1]):
        value = node_hash(h, left, value)
    return value


# ---------------------------------------------------------------- verification (RFC 9162 2.1.3.2, 2.1.4.2)
def root_from_inclusion(h, index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    if index >= size:
        raise ValueError("leaf index outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(h, p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(h, r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def verify_inclusion(h, index: int, size: int, leaf: bytes, proof: list[bytes], expected_root: bytes) -> bool:
    try:
        return root_from_inclusion(h, index, size, leaf, proof) == expected_root
    except ValueError:
        return False


def verify_consistency(
    h, first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    if first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: first_root is the first node
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(h, c, fr)
            sr = node_hash(h, c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(h, sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
