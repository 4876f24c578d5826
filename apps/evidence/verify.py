"""Stand-alone verifier of an evidence receipt (存证回执)::

    python -m apps.evidence.verify RECEIPT.json [--file ORIGINAL] [--key PARK_KEY.pem]
                                   [--witness-key WITNESS.pem ...] [--json]

Needs nothing but the receipt, the original and the park's public key: no database, no network,
no Django settings (this module imports only the standard library, ``tongsuopy`` for SM2, and the
Merkle and signed-form functions beside it). It checks, and says which check failed:

1. the original's SM3 digest is the one the entry commits to (``--file``; a JSON record is
   hashed in its canonical form: keys sorted, no spaces, UTF-8);
2. the leaf hash is RFC 9162's ``H(0x00 ‖ entry)``;
3. the inclusion proof leads from the leaf to the signed tree head's root;
4. the tree head's SM2 signature verifies under the park's key (``--key``; without it, the key
   the receipt carries is used and the output says so: that proves integrity, not origin);
5. each witness cosignature verifies (under ``--witness-key`` when given, else under the key the
   receipt names) — the count of valid ones is reported.

Exit status 0: valid; 1: invalid; 2: the receipt could not be read.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys

from apps.evidence import merkle
from apps.evidence import sth as sth_format


def _load_key(pem: str):
    from tongsuopy.crypto import serialization

    return serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)


def _sm2_verify(pem: str, signature: bytes, message: bytes) -> bool:
    from tongsuopy.crypto import hashes
    from tongsuopy.crypto.asymciphers import ec

    try:
        _load_key(pem).verify(signature, message, ec.ECDSA(hashes.SM3()))
        return True
    except Exception:
        return False


def _fingerprint(pem: str) -> str:
    from tongsuopy.crypto import serialization

    der = _load_key(pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def _canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def verify_receipt(
    receipt: dict,
    *,
    original: bytes | None = None,
    key_pem: str | None = None,
    witness_keys: list[str] | None = None,
) -> dict:
    """{"valid": bool, "reasons": [...], "checks": {...}, "witnesses": n, ...}."""
    reasons: list[str] = []
    checks: dict[str, bool | None] = {}
    log = receipt["log"]
    h = merkle.hash_function(log["hash_algorithm"])
    entry_bytes = base64.b64decode(receipt["entry"])
    entry = json.loads(entry_bytes)
    index = int(receipt["leaf_index"])
    sth = receipt["sth"]
    size, timestamp = int(sth["tree_size"]), int(sth["timestamp"])
    root = base64.b64decode(sth["root_hash"])

    if entry.get("code") != receipt.get("evidence_code"):
        reasons.append("the entry names another evidence code")
    if original is not None:
        data = original
        if entry.get("kind") == "json":
            try:
                data = _canonical(json.loads(original))
            except ValueError:
                data = original
        digest = hashlib.new(entry.get("hash", "sm3"), data).hexdigest()
        checks["digest"] = digest == entry.get("digest")
        if not checks["digest"]:
            reasons.append(f"the file's SM3 digest {digest} is not the recorded {entry.get('digest')}")
    leaf = merkle.leaf_hash(h, entry_bytes)
    checks["leaf_hash"] = leaf == base64.b64decode(receipt["leaf_hash"])
    if not checks["leaf_hash"]:
        reasons.append("the leaf hash is not H(0x00 || entry)")
    proof = [base64.b64decode(p) for p in receipt["inclusion_proof"]]
    checks["inclusion"] = merkle.verify_inclusion(h, index, size, leaf, proof, root)
    if not checks["inclusion"]:
        reasons.append(f"the inclusion proof of leaf {index} does not lead to the root of tree size {size}")
    body = sth_format.sth_body(log["origin"], log["hash_algorithm"], size, root, timestamp)
    key = key_pem or log["public_key"]
    checks["sth_signature"] = _sm2_verify(key, base64.b64decode(sth["signature"]), body)
    if not checks["sth_signature"]:
        reasons.append("the tree head's signature does not verify under the park's key")
    key_source = "given" if key_pem else "receipt"
    trusted = {_fingerprint(k) for k in (witness_keys or [])}
    valid_witnesses = []
    for cosig in receipt.get("cosignatures") or []:
        pem = cosig["public_key"]
        if trusted and _fingerprint(pem) not in trusted:
            continue
        cbody = sth_format.cosignature_body(_fingerprint(pem), int(cosig["timestamp"]), body)
        if _sm2_verify(pem, base64.b64decode(cosig["signature"]), cbody):
            valid_witnesses.append(cosig["witness"])
    claimed = int(receipt.get("witnesses_cosigned") or 0)
    if claimed > len(valid_witnesses) and not trusted:
        reasons.append(f"the receipt claims {claimed} cosignatures, {len(valid_witnesses)} verify")
    return {
        "valid": not reasons,
        "reasons": reasons,
        "checks": checks,
        "evidence_code": receipt.get("evidence_code"),
        "digest": entry.get("digest"),
        "time": entry.get("time"),
        "leaf_index": index,
        "tree_size": size,
        "key": key_source,
        "witnesses": valid_witnesses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m apps.evidence.verify", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("receipt")
    parser.add_argument("--file", dest="original")
    parser.add_argument("--key", help="the park's public key (PEM)")
    parser.add_argument(
        "--witness-key", action="append", default=[], help="a trusted witness key (PEM); repeatable"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        with open(args.receipt, "rb") as fh:
            receipt = json.loads(fh.read())
        original = open(args.original, "rb").read() if args.original else None
        key = open(args.key).read() if args.key else None
        witness_keys = [open(p).read() for p in args.witness_key]
        result = verify_receipt(receipt, original=original, key_pem=key, witness_keys=witness_keys)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"INVALID: the receipt could not be read ({exc.__class__.__name__}: {exc})")
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif result["valid"]:
        print(
            f"VALID: {result['evidence_code']} (leaf {result['leaf_index']}, tree size {result['tree_size']})"
        )
        print(f"  digest SM3 {result['digest']}, recorded {result['time']}")
        print(
            f"  original file: {'matches' if result['checks'].get('digest') else 'not checked (no --file)'}"
        )
        print(
            f"  tree head signed by the {'given park key' if result['key'] == 'given' else 'key in the receipt (not independently trusted: pass --key)'}"
        )
        print(f"  witnesses cosigned: {len(result['witnesses'])} {', '.join(result['witnesses'])}".rstrip())
    else:
        print(f"INVALID: {result['evidence_code']}")
        for reason in result["reasons"]:
            print(f"  - {reason}")
    return 0 if result["valid"] else 1


if __name__ == "__main__":
    sys.exit(main())
