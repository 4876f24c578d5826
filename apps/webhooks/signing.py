"""The signature every delivery carries (documented in README, "Webhooks").

    signed = f"{timestamp}.{delivery_id}.".encode() + body
    X-Park-Webhook-Signature: v1=<hex HMAC-SHA256(secret, signed)>

``timestamp`` is the X-Park-Webhook-Timestamp header (Unix seconds of this attempt) and
``delivery_id`` the X-Park-Webhook-Id header (the same on every attempt of one delivery).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ID_HEADER = "X-Park-Webhook-Id"
TIMESTAMP_HEADER = "X-Park-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Park-Webhook-Signature"
EVENT_HEADER = "X-Park-Webhook-Event"
SCHEME = "v1"


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def sign(secret: str, *, timestamp: int, delivery_id: str, body: bytes) -> str:
    signed = f"{timestamp}.{delivery_id}.".encode() + body
    return f"{SCHEME}=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    *,
    timestamp: str,
    delivery_id: str,
    body: bytes,
    signature: str,
    now: int,
    tolerance: int = 300,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent (replays refused)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    expected = sign(secret, timestamp=ts, delivery_id=delivery_id, body=body)
    return hmac.compare_digest(expected, signature)
