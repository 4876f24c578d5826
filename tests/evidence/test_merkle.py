"""RFC 9162 hashing against the published reference vectors (SHA-256), in memory and on the
stored log.

The vectors — the 8 leaf inputs, the roots of every tree size, and the inclusion and consistency
proofs — are those of the RFC 6962 reference tree as the transparency-dev implementation tests
them: github.com/transparency-dev/merkle, testonly/constants.go (LeafInputs, RootHashes,
EmptyRootHash) and proof/verify_test.go (inclusionProofs, consistencyProofs; leaf numbers there
are 1-based). The same values are in google/certificate-transparency's merkle_tree_test.cc.
"""

from __future__ import annotations

import pytest

from apps.evidence import merkle

LEAVES = [
    bytes.fromhex(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index 0-based, tree size, proof)
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip

H = merkle.hash_function("sha256")


def _memory_tree():
    leaves = [merkle.leaf_hash(H, x) for x in LEAVES]
    nodes: dict = {}
    frontier: list = []
    for size, leaf in enumerate(leaves):
        new, frontier = merkle.append_leaves(H, frontier, size, [leaf])
        nodes.update({(lv, i): v for lv, i, v in new})
    return leaves, (lambda level, index: leaves[index] if level == 0 else nodes[(level, index)])


def test_empty_tree_and_every_root():
    leaves, get = _memory_tree()
    assert merkle.root(H, get, 0).hex() == EMPTY
    assert [merkle.root(H, get, n).hex() for n in range(1, 9)] == ROOTS


def test_appending_keeps_the_root_of_every_size():
    frontier: list = []
    for size, data in enumerate(LEAVES):
        _new, frontier = merkle.append_leaves(H, frontier, size, [merkle.leaf_hash(H, data)])
        assert merkle.root_of_frontier(H, frontier).hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_are_the_reference_ones(index, size, proof):
    leaves, get = _memory_tree()
    assert [p.hex() for p in merkle.inclusion_proof(H, get, index, size)] == proof
    root = bytes.fromhex(ROOTS[size - 1])
    assert merkle.verify_inclusion(H, index, size, leaves[index], [bytes.fromhex(p) for p in proof], root)
    # a wrong index, a flipped bit, a missing step: refused
    assert not merkle.verify_inclusion(
        H, index ^ 1, size, leaves[index], [bytes.fromhex(p) for p in proof], root
    )
    flipped = [bytes.fromhex(p) for p in proof]
    flipped[0] = bytes([flipped[0][0] ^ 8]) + flipped[0][1:]
    assert not merkle.verify_inclusion(H, index, size, leaves[index], flipped, root)
    assert not merkle.verify_inclusion(
        H, index, size, leaves[index], [bytes.fromhex(p) for p in proof[:-1]], root
    )


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_proofs_are_the_reference_ones(first, second, proof):
    _leaves, get = _memory_tree()
    assert [p.hex() for p in merkle.consistency_proof(H, get, first, second)] == proof
    r1, r2 = bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1])
    steps = [bytes.fromhex(p) for p in proof]
    assert merkle.verify_consistency(H, first, second, r1, r2, steps)
    assert not merkle.verify_consistency(H, first, second, r2, r1, steps)
    assert not merkle.verify_consistency(H, first, second, r1, r2, steps[:-1])


def test_every_proof_of_every_size_verifies():
    leaves, get = _memory_tree()
    roots = [merkle.root(H, get, n) for n in range(0, 9)]
    for size in range(1, 9):
        for index in range(size):
            assert merkle.verify_inclusion(
                H, index, size, leaves[index], merkle.inclusion_proof(H, get, index, size), roots[size]
            )
        for first in range(1, size + 1):
            proof = merkle.consistency_proof(H, get, first, size)
            assert merkle.verify_consistency(H, first, size, roots[first], roots[size], proof)


def test_a_proof_reads_logarithmically_many_nodes():
    for size in (1000, 1 << 20, 1_000_003):
        bound = 2 * size.bit_length()
        assert len(merkle.nodes_needed(merkle.inclusion_proof, size // 3, size)) <= bound
        assert len(merkle.nodes_needed(merkle.consistency_proof, size // 3, size)) <= bound
        assert len(merkle.nodes_needed(merkle.root, size)) <= size.bit_length()


@pytest.mark.django_db
def test_the_stored_log_reproduces_the_vectors(park):
    from apps.evidence import log as evlog

    log = evlog.log_create(origin="rfc-vectors.test", hash_algorithm="sha256")
    assert bytes(log.root).hex() == EMPTY
    # two batches, so the second appends on a stored frontier; the vectors' inputs are raw bytes
    evlog.append(log=log, entries=[evlog.NewEntry(entry=data) for data in LEAVES[:3]])
    evlog.append(log=log, entries=[evlog.NewEntry(entry=data) for data in LEAVES[3:]])
    log.refresh_from_db()
    assert log.size == 8 and bytes(log.root).hex() == ROOTS[7]
    assert [evlog.tree_root(log, n).hex() for n in range(1, 9)] == ROOTS
    for index, size, proof in INCLUSION:
        assert [p.hex() for p in evlog.inclusion_proof(log, index, size)] == proof
    for first, second, proof in CONSISTENCY:
        assert [p.hex() for p in evlog.consistency_proof(log, first, second)] == proof
