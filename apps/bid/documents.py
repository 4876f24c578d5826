"""BID documents (RFC-005 over W3C DID Core), built and validated with ``pydid``.

A document has DID Core's members (``@context``, ``id``, ``alsoKnownAs``,
``verificationMethod``, ``authentication``, ``service``) as pydid builds them, and RFC-005's
beside them: ``version``, ``publicKey`` (the same keys, ``publicKeyHex`` in BIF's encoding,
``type`` ``SM2``/``Ed25519``), ``extension`` (the subject's type code of BID-SDK's
AttributeType and its public metadata only), ``created``, ``updated`` and the registrar's
``proof``. A rotated-out key stays listed with ``revoked`` (the time) and leaves
``authentication``.

The registrar is the park node: its key is ``BID_REGISTRAR_KEY`` (BIF's ``pri…`` form) or, when
that is empty, a key derived from ``SECRET_KEY`` (stable per deployment, never stored). Its
proof signs the canonical JSON (sorted keys, no spaces, UTF-8) of the document without
``proof``: SM2 ``r‖s`` or Ed25519, hex.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

import pydid
from django.conf import settings
from pydid import DIDDocumentBuilder
from pydid.verification_method import UnknownVerificationMethod

from apps.bid import codec, registry
from apps.bid.choices import BidKeyType, BidSubject

CONTEXT = "https://www.w3.org/ns/did/v1"
DOCUMENT_VERSION = "1.0.0"
TTL = 86400
# BID-SDK-JAVA cn.ac.caict.bid.common.AttributeType
TYPE_ENTERPRISE, TYPE_NODE, TYPE_EQUIPMENT, TYPE_RESOURCE = 102, 103, 104, 204
PROOF_TYPE = {BidKeyType.SM2: "SM2Signature", BidKeyType.ED25519: "Ed25519Signature"}


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def stamp(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def ac_code() -> str:
    return codec.validate_ac_code(getattr(settings, "BID_AC_CODE", ""))


@lru_cache(maxsize=4)
def _registrar(configured: str, secret: str, key_type: str) -> codec.KeyPair:
    if configured:
        return codec.decode_private_key(configured)
    return codec.derived_pair(secret.encode(), "park-portal/bid-registrar", key_type)


def registrar() -> codec.KeyPair:
    return _registrar(
        getattr(settings, "BID_REGISTRAR_KEY", ""),
        settings.SECRET_KEY,
        getattr(settings, "BID_REGISTRAR_KEY_TYPE", BidKeyType.SM2),
    )


def park_did() -> str:
    return registrar().key.bid(ac_code())


def resolver_base() -> str:
    configured = getattr(settings, "BID_RESOLVER_URL", "")
    if configured:
        return configured.rstrip("/") + "/"
    from apps.tenants.selectors import park_get

    park = park_get()
    domain = park.domain if park else "localhost"
    return f"https://{domain}/1.0/identifiers/"


def _method(builder, *, fragment: str, key_type: str, public_key_hex: str, revoked: str | None = None):
    extra = {"revoked": revoked} if revoked else {}
    return builder.verification_method.add(
        UnknownVerificationMethod,
        ident=fragment,
        type="SM2" if key_type == BidKeyType.SM2 else "Ed25519",
        public_key_hex=public_key_hex,
        **extra,
    )


def build(
    *,
    did: str,
    subject: str,
    keys: list[dict],
    created: dt.datetime,
    updated: dt.datetime,
    also_known_as: list[str] = (),
    services: list[dict] = (),
    attributes: list[dict] = (),
    equipment: bool = False,
    deactivated: bool = False,
) -> dict:
    """The signed document. ``keys``: ``{"number", "key_type", "public_key", "revoked_at"}``;
    ``services``: ``{"id": "#name" or "name", "type", "serviceEndpoint"}``; ``attributes``:
    ``{"key", "value"}`` (public values only — the caller's grading)."""
    builder = DIDDocumentBuilder(did, [CONTEXT], also_known_as=list(also_known_as) or None)
    for key in keys:
        method = _method(
            builder,
            fragment=f"key-{key['number']}",
            key_type=key["key_type"],
            public_key_hex=key["public_key"],
            revoked=stamp(key.get("revoked_at")),
        )
        if not key.get("revoked_at") and not deactivated:
            builder.authentication.reference(method.id)
    if subject == BidSubject.PARK:
        for extra in registry.park_methods():
            method = _method(
                builder, fragment=extra.fragment, key_type=extra.key_type, public_key_hex=extra.public_key_hex
            )
            relations = {
                "authentication": builder.authentication,
                "assertionMethod": builder.assertion_method,
                "capabilityInvocation": builder.capability_invocation,
                "capabilityDelegation": builder.capability_delegation,
                "keyAgreement": builder.key_agreement,
            }
            for purpose in extra.purposes:
                if purpose in relations:
                    relations[purpose].reference(method.id)
    builder.service.add(type_="DIDResolver", service_endpoint=resolver_base(), ident="resolver")
    for service in services:
        builder.service.add(
            type_=service["type"],
            service_endpoint=service["serviceEndpoint"],
            ident=service["id"].lstrip("#"),
        )
    document = builder.build().serialize()
    document["version"] = DOCUMENT_VERSION
    document["publicKey"] = [dict(method) for method in document.get("verificationMethod", [])]
    kind = {
        BidSubject.PARK: TYPE_NODE,
        BidSubject.ENTERPRISE: TYPE_ENTERPRISE,
    }.get(subject, TYPE_EQUIPMENT if equipment else TYPE_RESOURCE)
    document["extension"] = {"type": kind, "ttl": TTL, "attributes": [dict(a) for a in attributes]}
    if subject != BidSubject.PARK:
        document["extension"]["registrar"] = park_did()
    document["created"] = stamp(created)
    document["updated"] = stamp(updated)
    if deactivated:
        document["deactivated"] = True
    return sign(document, updated)


def sign(document: dict, moment: dt.datetime) -> dict:
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    pair = registrar()
    signature = codec.sign(pair, canonical(unsigned))
    unsigned["proof"] = {
        "type": PROOF_TYPE[pair.key.key_type],
        "creator": f"{park_did()}#key-1",
        "created": stamp(moment),
        "signatureValue": signature.hex(),
    }
    validate(unsigned)
    return unsigned


def validate(document: dict) -> pydid.DIDDocument:
    """``pydid``'s reading of the document; every ``authentication`` reference must resolve to
    one of its verification methods (raises ``ValueError`` otherwise)."""
    parsed = pydid.deserialize_document(document)
    for reference in parsed.authentication or []:
        target = reference if not isinstance(reference, pydid.DIDUrl) else parsed.dereference(reference)
        if target is None:
            raise ValueError(f"authentication {reference} does not resolve")
    return parsed


def proof_valid(document: dict) -> bool:
    """Does the registrar's proof sign this very document?"""
    proof = document.get("proof") or {}
    try:
        signature = bytes.fromhex(proof.get("signatureValue", ""))
    except ValueError:
        return False
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    return codec.verify(registrar().key, signature, canonical(unsigned))
