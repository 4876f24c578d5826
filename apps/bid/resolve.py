"""BID resolution in the DIF Universal Resolver driver interface: ``GET /1.0/identifiers/{did}``.

A read path like Handle resolution, through the same machinery (apps.resolution): a
``ResolutionRequest`` in, a ``Reply`` out, so both servers answer it — Django (thin view in
apps.bid.views, fast-path middleware) and the resolution server (registered as an extra read path
in apps.resolution.pipeline). Answers:

* 200 a DID resolution result (``didDocument``, ``didResolutionMetadata.contentType``,
  ``didDocumentMetadata`` with ``created``, ``updated``, ``deactivated``, ``versionId``),
  ``application/ld+json;profile="https://w3id.org/did-resolution"``; with ``Accept:
  application/did+ld+json`` the document alone;
* 410 the same for a deactivated BID (the driver interface's answer), ``deactivated: true``;
* 404 ``error: notFound``; 400 ``error: invalidDid`` (the reason in ``message``); 429 over the
  resolution rate limit (per client, the Handle path's limit and counters).

Cached: the encoded answers per BID live in the resolution LRU of each process (key: the
lowercased BID; handles always contain '/', BIDs never do) and are dropped in every process
after each write (apps.bid.services invalidates through the same channel). Counted: each
resolution is counted by apps.resolution.counters under the BID's billing prefix (the
identifier's or its enterprise's), so it is billed like a Handle resolution of that prefix.
"""

from __future__ import annotations

import json
import time
import urllib.parse

from apps.bid import codec
from apps.resolution import cache, counters, pipeline

PATH = "/1.0/identifiers/"
DID_LD_JSON = "application/did+ld+json"
RESULT_TYPE = 'application/ld+json;profile="https://w3id.org/did-resolution"'
RESOLUTION_CONTEXT = "https://w3id.org/did-resolution/v1"
UNCOUNTED_PREFIX = "did:bid"


def _dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _error(status: int, error: str, message: str = "") -> pipeline.Reply:
    metadata = {"error": error, "contentType": DID_LD_JSON}
    if message:
        metadata["message"] = message
    body = {
        "@context": RESOLUTION_CONTEXT,
        "didDocument": None,
        "didResolutionMetadata": metadata,
        "didDocumentMetadata": {},
    }
    return pipeline.Reply(status, body=_dumps(body), content_type=RESULT_TYPE)


def _entry_of(did: str, row: dict | None) -> tuple:
    """(did, found, deactivated, result bytes, document bytes, billing prefix)."""
    if row is None:
        return (did, False, False, b"", b"", UNCOUNTED_PREFIX)
    document = row["document"]
    deactivated = row["state"] != "active"
    result = {
        "@context": RESOLUTION_CONTEXT,
        "didDocument": document,
        "didResolutionMetadata": {"contentType": DID_LD_JSON},
        "didDocumentMetadata": {
            "created": document.get("created"),
            "updated": document.get("updated"),
            "deactivated": deactivated,
            "versionId": str(row["version"]),
        },
    }
    return (
        did,
        True,
        deactivated,
        _dumps(result),
        _dumps(document),
        row["billing_prefix"] or UNCOUNTED_PREFIX,
    )


def load(did: str) -> tuple:
    from apps.bid.models import Bid

    row = Bid.objects.filter(did=did).values("document", "state", "version", "billing_prefix").first()
    return _entry_of(did, row)


def cached(did: str):
    hit = cache.local.get(did.lower())
    if hit is cache.MISSING or hit[0] != did:
        return None
    return hit


def warm(rest: str) -> bool:
    """Can ``reply`` answer without blocking (no database read)?"""
    did = urllib.parse.unquote(rest)
    return not codec.is_valid_bid(did) or cached(did) is not None


def entry(did: str) -> tuple:
    hit = cached(did)
    if hit is not None:
        return hit
    cache.subscriber.ensure()
    epoch = cache.local.epoch
    value = load(did)
    cache.local.put_if(epoch, did.lower(), value, cache.LOCAL_TTL if value[1] else cache.NOT_FOUND_TTL)
    return value


def reply(request: pipeline.ResolutionRequest, rest: str) -> pipeline.Reply:
    if request.method == "OPTIONS":
        return pipeline.preflight(request)
    if request.method not in pipeline.SAFE_METHODS:
        return pipeline.not_allowed(request)
    started = time.perf_counter()
    limited, retry_after = counters.rate_limit_hit(request.client)
    if limited:
        answer = _error(429, "rateLimited")
        answer.headers.append(("Retry-After", str(retry_after)))
        return pipeline.finish(request, answer)
    did = urllib.parse.unquote(rest)
    try:
        codec.parse_bid(did)
    except codec.BidError as exc:
        return pipeline.finish(request, _error(400, "invalidDid", exc.message))
    did_entry = entry(did)
    _did, found, deactivated, result, document, prefix = did_entry
    if not found:
        answer = _error(404, "notFound")
    else:
        status = 410 if deactivated else 200
        if DID_LD_JSON in request.headers.get("accept", ""):
            answer = pipeline.Reply(status, body=document, content_type=DID_LD_JSON)
        else:
            answer = pipeline.Reply(status, body=result, content_type=RESULT_TYPE)
    counters.record(prefix, did if found else None, (time.perf_counter() - started) * 1000, found=found)
    return pipeline.finish(request, answer)
