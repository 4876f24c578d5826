"""Anchoring tree heads upward to the 星火·链网 chain (BIF-Core), behind ``EVIDENCE_ANCHOR``.

The chain is outside this machine's reach. BIF-Core's SDKs are Java, Node.js and Go (no Python),
so the node writes through a BIF-Core gateway — a small service built on the official SDK — at
``EVIDENCE_BIF_URL``, speaking the SDK's documented account-service shapes
(github.com/caict-4iot-dev/BIF-Core-SDK, docs/BIF-Core-SDK.md, 账户服务):

- ``setMetadata`` (BIFAccountSetMetadataRequest): ``senderAddress`` (did:bid:…), ``privateKey``,
  ``key`` (1–1024 characters: here ``park-evidence:<origin>:<tree size>``), ``value`` (0–256000
  characters: the tree head as canonical JSON), ``metadata`` (the transaction's remark, hex),
  optional ``ceilLedgerSeq``; the answer is ``{errorCode, errorDesc, result: {hash}}``, errorCode 0
  meaning success (documented errors: 11006 invalid address, 11011 key length, 11012 value length,
  11057 no private key, 20000 system error);
- ``getAccountMetadata`` (BIFAccountGetMetadataRequest ``address``, ``key``) to read it back.

An anchor is a row per tree head (pending → sent with the transaction hash, or failed with the
gateway's error), retried by the task; nothing is "sent" without a transaction hash.
"""

from __future__ import annotations

import json
import re

import requests
from django.conf import settings
from django.db import transaction

from apps.evidence import log as evlog
from apps.evidence.choices import AnchorState
from apps.evidence.models import Anchor, SignedTreeHead

BID_ADDRESS = re.compile(r"^did:bid:[A-Za-z0-9]{22,48}$")
KEY_MAX, VALUE_MAX = 1024, 256_000


class AnchorRequestError(ValueError):
    """A request the SDK documentation says the chain refuses (code: the documented errorCode)."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def set_metadata_request(*, sth: SignedTreeHead, sender_address: str, private_key: str) -> dict:
    """The documented BIFAccountSetMetadataRequest for one tree head, checked as the SDK checks it."""
    log = sth.log
    key = f"park-evidence:{log.origin}:{sth.tree_size}"
    value = json.dumps(
        {**evlog.sth_json(sth), "origin": log.origin, "hash_algorithm": log.hash_algorithm},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    if not BID_ADDRESS.match(sender_address or ""):
        raise AnchorRequestError(11006, "Invalid address")
    if not private_key:
        raise AnchorRequestError(11057, "PrivateKeys cannot be empty")
    if not 1 <= len(key) <= KEY_MAX:
        raise AnchorRequestError(11011, "The length of key must be between 1 and 1024")
    if len(value) > VALUE_MAX:
        raise AnchorRequestError(11012, "The length of value must be between 0 and 256000")
    return {
        "senderAddress": sender_address,
        "privateKey": private_key,
        "key": key,
        "value": value,
        "metadata": f"park evidence sth {sth.tree_size}".encode().hex(),
    }


def anchor_queue(*, sth: SignedTreeHead) -> Anchor:
    from apps.evidence.tasks import anchor_task

    anchor, created = Anchor.objects.get_or_create(sth=sth)
    if created:
        transaction.on_commit(lambda: anchor_task.delay(anchor.pk))
    return anchor


def anchor_send(*, anchor_id: int) -> str:
    anchor = Anchor.objects.select_related("sth__log").filter(pk=anchor_id).first()
    if anchor is None or anchor.state == AnchorState.SENT:
        return "skipped"
    Anchor.objects.filter(pk=anchor.pk).update(attempts=anchor.attempts + 1)
    try:
        body = set_metadata_request(
            sth=anchor.sth,
            sender_address=settings.EVIDENCE_BIF_ADDRESS,
            private_key=settings.EVIDENCE_BIF_PRIVATE_KEY,
        )
        response = requests.post(
            f"{settings.EVIDENCE_BIF_URL.rstrip('/')}/setMetadata",
            json=body,
            timeout=settings.EVIDENCE_HTTP_TIMEOUT,
        )
        answer = response.json()
        if response.status_code != 200 or answer.get("errorCode") != 0:
            raise AnchorRequestError(
                int(answer.get("errorCode") or 20000), str(answer.get("errorDesc") or response.status_code)
            )
        tx_hash = str((answer.get("result") or {}).get("hash") or "")
        if not re.fullmatch(r"[0-9a-fA-F]{64}", tx_hash):
            raise AnchorRequestError(20000, "no transaction hash in the answer")
    except (requests.RequestException, ValueError) as exc:
        Anchor.objects.filter(pk=anchor.pk).update(state=AnchorState.FAILED, message=str(exc)[:500])
        return "failed"
    Anchor.objects.filter(pk=anchor.pk).update(state=AnchorState.SENT, tx_hash=tx_hash, message="")
    return "sent"
