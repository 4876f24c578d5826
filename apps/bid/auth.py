"""BIDAuth (RFC-007): a holder proves control of its BID by signing a random code.

``challenge(bid)`` issues a random code (32 hex characters, single use, ``BID_AUTH_CODE_SECONDS``)
kept in Redis with the BID and the time it was issued. ``verify`` takes what a 星火 wallet's
signAuth returns — ``{publicKey, signData, bid, randomCode}`` — and checks, each refusal with
its own code (``choices.AuthOutcome``): the rate limits (per BID and per client address), the
BID's form, the public key's form, that the key is one of the BID's keys (the key that derives
it, or the key it was rotated to) and not a revoked one, that the BID is registered here and
active, that the code was issued for this BID, is unused and fresh, and finally the signature
over the bytes the hex code decodes to (SM2 with SM3 and the default user ID, ``r‖s`` as 128
hex characters; Ed25519, 64 bytes). A code is spent by the first verification that reaches it,
whatever its outcome. Every attempt is audited.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.bid import codec
from apps.bid.choices import AuthOutcome, BidState
from apps.bid.models import Bid, BidKey
from apps.core.errors import ApplicationError
from apps.core.redis import redis_client

CODE_BYTES = 16
STATUS = {
    AuthOutcome.RATE_LIMITED: 429,
    AuthOutcome.UNKNOWN_BID: 404,
    AuthOutcome.BID_DEACTIVATED: 403,
    AuthOutcome.KEY_REVOKED: 403,
    AuthOutcome.KEY_MISMATCH: 403,
    AuthOutcome.BAD_SIGNATURE: 403,
}


class AuthRefused(ApplicationError):
    default_code = "invalid_request"

    def __init__(self, outcome: str, message: str | None = None):
        message = message or str(AuthOutcome(outcome).label)
        super().__init__(message, code=outcome)
        self.status_code = STATUS.get(outcome, 400)


@dataclass
class Verified:
    bid: Bid
    key: BidKey


def _key(*parts) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "pp")
    return ":".join([prefix, "bidauth", *map(str, parts)])


def _rate(spec: str) -> tuple[int, int] | None:
    if not spec:
        return None
    number, _sep, period = spec.partition("/")
    return int(number), {"s": 1, "m": 60, "h": 3600}.get(period[:1] or "m", 60)


def _rate_limited(did: str, client: str) -> bool:
    checks = [
        ("b", did, _rate(settings.BID_AUTH_RATE_PER_BID)),
        ("a", client or "-", _rate(settings.BID_AUTH_RATE_PER_ADDRESS)),
    ]
    checks = [c for c in checks if c[2]]
    if not checks:
        return False
    now = int(timezone.now().timestamp())
    pipe = redis_client().pipeline(transaction=False)
    for kind, who, (_limit, seconds) in checks:
        name = _key("rate", kind, who, now // seconds)
        pipe.incr(name)
        pipe.expire(name, seconds + 1)
    results = pipe.execute()
    return any(results[2 * i] > limit for i, (_k, _w, (limit, _s)) in enumerate(checks))


def _audit(outcome: str, did: str, bid: Bid | None, purpose: str) -> None:
    audit_write(
        action="bid.auth.verify",
        object_type="bid.Bid",
        object_id=bid.pk if bid else "",
        object_repr=did[:150],
        changes={"outcome": [None, outcome], "purpose": [None, purpose]},
        tenant_schema=bid.enterprise.schema_name if bid is not None and bid.enterprise_id else None,
    )


# ---------------------------------------------------------------- challenge
def challenge(*, did: str, client: str = "") -> dict:
    """A fresh random code for ``did`` (a registered, active BID)."""
    try:
        parsed = codec.parse_bid(did)
    except codec.BidError as exc:
        raise AuthRefused(AuthOutcome.INVALID_DID, exc.message) from None
    if _rate_limited(parsed.did, client):
        raise AuthRefused(AuthOutcome.RATE_LIMITED)
    state = Bid.objects.filter(did=parsed.did).values_list("state", flat=True).first()
    if state is None:
        raise AuthRefused(AuthOutcome.UNKNOWN_BID)
    if state != BidState.ACTIVE:
        raise AuthRefused(AuthOutcome.BID_DEACTIVATED)
    code = secrets.token_hex(CODE_BYTES)
    seconds = settings.BID_AUTH_CODE_SECONDS
    issued = timezone.now()
    # Redis keeps it a little longer than it is good for: freshness is judged on the clock below.
    redis_client().set(
        _key("code", code), json.dumps({"bid": parsed.did, "issued": issued.timestamp()}), ex=seconds * 2 + 60
    )
    return {
        "bid": parsed.did,
        "randomCode": code,
        "expiresIn": seconds,
        "expiresAt": issued + dt.timedelta(seconds=seconds),
    }


# ---------------------------------------------------------------- verification
def _text(payload: dict, name: str) -> str:
    value = payload.get(name) if isinstance(payload, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise AuthRefused(AuthOutcome.INVALID_REQUEST, _("缺少字段 %(name)s") % {"name": name})
    return value.strip()


def _check(payload: dict, client: str) -> Verified:
    did = _text(payload, "bid")
    public_key = _text(payload, "publicKey")
    sign_data = _text(payload, "signData")
    code = _text(payload, "randomCode")
    try:
        parsed = codec.parse_bid(did)
    except codec.BidError as exc:
        raise AuthRefused(AuthOutcome.INVALID_DID, exc.message) from None
    if _rate_limited(parsed.did, client):
        raise AuthRefused(AuthOutcome.RATE_LIMITED)
    try:
        key = codec.parse_public_key(public_key)
    except ApplicationError as exc:
        raise AuthRefused(AuthOutcome.INVALID_PUBLIC_KEY, exc.message) from None
    # one read: the key row with its BID (the usual case), else the BID alone to tell why not
    known = (
        BidKey.objects.select_related("bid__enterprise")
        .filter(bid__did=parsed.did, public_key=key.encoded)
        .first()
    )
    bid = (
        known.bid
        if known is not None
        else Bid.objects.select_related("enterprise").filter(did=parsed.did).first()
    )
    if bid is None:
        if key.bid(parsed.ac_code) != parsed.did:
            raise AuthRefused(AuthOutcome.KEY_MISMATCH)
        raise AuthRefused(AuthOutcome.UNKNOWN_BID)
    if known is None:
        raise AuthRefused(AuthOutcome.KEY_MISMATCH)
    if known.revoked_at is not None:
        raise AuthRefused(AuthOutcome.KEY_REVOKED)
    if bid.state != BidState.ACTIVE:
        raise AuthRefused(AuthOutcome.BID_DEACTIVATED)
    client_redis = redis_client()
    stored = client_redis.get(_key("code", code))
    if stored is None:
        raise AuthRefused(AuthOutcome.CODE_UNKNOWN)
    if not client_redis.set(_key("used", code), 1, nx=True, ex=settings.BID_AUTH_CODE_SECONDS * 2 + 60):
        raise AuthRefused(AuthOutcome.CODE_USED)
    issued = json.loads(stored)
    if issued["bid"] != parsed.did:
        raise AuthRefused(AuthOutcome.CODE_MISMATCH)
    if timezone.now().timestamp() - issued["issued"] > settings.BID_AUTH_CODE_SECONDS:
        raise AuthRefused(AuthOutcome.CODE_EXPIRED)
    try:
        message, signature = bytes.fromhex(code), bytes.fromhex(sign_data)
    except ValueError:
        raise AuthRefused(AuthOutcome.BAD_SIGNATURE) from None
    if not codec.verify(key, signature, message):
        raise AuthRefused(AuthOutcome.BAD_SIGNATURE)
    return Verified(bid=bid, key=known)


def verify(*, payload: dict, client: str = "", purpose: str = "api") -> Verified:
    """The checked wallet answer, or ``AuthRefused`` (audited either way)."""
    did = payload.get("bid") if isinstance(payload, dict) and isinstance(payload.get("bid"), str) else ""
    try:
        verified = _check(payload, client)
    except AuthRefused as exc:
        bid = Bid.objects.select_related("enterprise").filter(did=did.strip()).first() if did else None
        _audit(exc.code, did.strip(), bid, purpose)
        raise
    _audit(AuthOutcome.OK, verified.bid.did, verified.bid, purpose)
    return verified


def wallet_sign(pair: codec.KeyPair, random_code: str) -> dict:
    """What a wallet's signAuth answers for ``random_code`` (tests, the bench, operators' tools)."""
    return {
        "publicKey": pair.key.encoded,
        "signData": codec.sign(pair, bytes.fromhex(random_code)).hex(),
        "randomCode": random_code,
    }
