"""The signed forms of the log, with no Django in them (the stand-alone verifier imports it).

A tree head is signed over ``sth_body``; a witness cosigns ``cosignature_body`` (the tree head's
body behind its key's fingerprint and its time), both with SM2 (SM3, default user ID), DER signatures.
"""

from __future__ import annotations

STH_HEADER = "park-portal/evidence/sth/v1"
COSIGNATURE_HEADER = "park-portal/evidence/cosignature/v1"
SPLIT_VIEW_HEADER = "park-portal/evidence/split-view/v1"


def sth_body(origin: str, algorithm: str, size: int, root: bytes, timestamp: int) -> bytes:
    return (
        f"{STH_HEADER}\norigin {origin}\nhash {algorithm}\nsize {int(size)}\n"
        f"root {root.hex()}\ntime {int(timestamp)}\n"
    ).encode()


def cosignature_body(witness_fingerprint: str, timestamp: int, body: bytes) -> bytes:
    """``witness_fingerprint``: SHA-256 of the witness key's SubjectPublicKeyInfo (hex)."""
    return f"{COSIGNATURE_HEADER}\nwitness {witness_fingerprint}\ntime {int(timestamp)}\n".encode() + body


def split_view_body(witness_fingerprint: str, origin: str, first: bytes, second: bytes) -> bytes:
    return (
        f"{SPLIT_VIEW_HEADER}\nwitness {witness_fingerprint}\nlog {origin}\n".encode()
        + first
        + b"--\n"
        + second
    )
