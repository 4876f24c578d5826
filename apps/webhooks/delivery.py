"""Draining the webhook outbox: at least once, in id order per subscription.

A worker claims the oldest pending deliveries of one subscription (the head and those behind it
that are due) by writing a lease on them, sends them one after another over one keep-alive
connection, stops at the first failure, and records every attempt. A worker that dies while
sending leaves its lease behind; when it runs out the rows are claimed again, so a delivery is
never lost (it may arrive twice: receivers deduplicate on X-Park-Webhook-Id). A failed head is
retried with exponential backoff and jitter, and the rows behind it wait for it, keeping the
order; after WEBHOOK_MAX_ATTEMPTS failures the subscription is paused and its administrators
are told. Nothing pending is dropped: resuming the subscription sends it."""

from __future__ import annotations

import http.client
import json
import logging
import random
import socket
import ssl
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.db import copy_rows
from apps.webhooks import signing
from apps.webhooks.choices import DeliveryState
from apps.webhooks.models import Delivery, DeliveryAttempt, Subscription
from apps.webhooks.targets import Target, TargetRefused, target_check

log = logging.getLogger(__name__)

_ATTEMPT_COLUMNS = (
    "delivery_id", "attempted_at", "request_headers", "response_status", "response_body", "error", "duration_ms",
)  # fmt: skip
_dumps = json.JSONEncoder(ensure_ascii=False).encode
RESPONSE_KEEP = 2000  # characters of a response body kept in the log
USER_AGENT = "ParkPortal-Webhooks/1"


def _setting(name: str, default):
    return getattr(settings, name, default)


def lease_seconds() -> float:
    return float(_setting("WEBHOOK_LEASE_SECONDS", 60))


def max_attempts() -> int:
    return int(_setting("WEBHOOK_MAX_ATTEMPTS", 8))


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter: base·2^(n-1) capped, times a random factor in [0.5, 1]."""
    base = float(_setting("WEBHOOK_BACKOFF_BASE_SECONDS", 10))
    cap = float(_setting("WEBHOOK_BACKOFF_MAX_SECONDS", 3600))
    return min(cap, base * (2 ** max(0, attempts - 1))) * random.uniform(0.5, 1.0)


def allow_internal_targets() -> bool:
    from apps.webhooks.models import WebhookSettings

    row = WebhookSettings.objects.order_by("pk").first()
    return bool(row and row.allow_internal_targets)


def webhook_kick() -> None:
    """Ask a worker to drain now (debounced: at most one message per second). The beat entry
    drains anyway, so a broker hiccup must not fail the write that queued the event."""
    if not _setting("WEBHOOK_KICK_ON_COMMIT", True):
        return
    from django.core.cache import cache

    if not cache.add("webhooks:kick", 1, timeout=1):
        return
    from apps.webhooks.tasks import webhook_drain_task

    try:
        webhook_drain_task.apply_async()
    except Exception:
        log.warning("webhook drain could not be queued", exc_info=True)


# ---------------------------------------------------------------- claim
@dataclass
class Claim:
    subscription: Subscription
    rows: list[Delivery]
    token: uuid.UUID


def _claim(*, skip: set[int], served: set[int], batch: int) -> Claim | None:
    """Lease the due head of the first subscription not in ``skip`` or ``served``; a subscription
    whose head is not due (backoff) or held by another worker is added to ``skip``."""
    now = timezone.now()

    def free(row: Delivery) -> bool:
        return row.next_attempt_at <= now and not (row.lease_until and row.lease_until > now)

    with transaction.atomic():
        while True:
            subscriptions = list(
                Subscription.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(is_active=True, paused_at__isnull=True)
                .exclude(pk__in=skip | served)
                .filter(
                    Exists(Delivery.objects.filter(subscription=OuterRef("pk"), state=DeliveryState.PENDING))
                )
                .order_by("pk")[:20]
            )
            if not subscriptions:
                return None
            for subscription in subscriptions:
                pending = Delivery.objects.filter(
                    subscription=subscription, state=DeliveryState.PENDING
                ).order_by("id")
                head = pending.only("id", "next_attempt_at", "lease_until").first()
                if head is None or not free(head):
                    skip.add(subscription.pk)
                    continue
                taken = []
                for row in pending[:batch]:
                    if not free(row):
                        break
                    taken.append(row)
                token = uuid.uuid4()
                Delivery.objects.filter(id__in=[r.id for r in taken]).update(
                    lease_until=now + timedelta(seconds=lease_seconds()), lease_token=token
                )
                return Claim(subscription, taken, token)


# ---------------------------------------------------------------- send
@dataclass
class Sent:
    row: Delivery
    at: object
    headers: dict
    status: int | None = None
    body: str = ""
    error: str = ""
    ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Outcome:
    sent: list[Sent] = field(default_factory=list)
    refused: str = ""  # the target was refused before any connection


class _Connection:
    """One keep-alive HTTP/1.1 connection to the vetted address (TLS checked against the URL's
    host name). A request goes out in one write: headers and body in two writes cost a
    round of TCP acknowledgements per delivery."""

    def __init__(self, target: Target, timeout: float):
        self.target = target
        self.timeout = timeout
        self.sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.target.address, self.target.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.target.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.target.host)
        return sock

    def post(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = self._connect()
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = f"POST {self.target.path} HTTP/1.1\r\n{head}Content-Length: {len(body)}\r\n\r\n"
        self.sock.sendall(request.encode("latin-1") + body)
        response = http.client.HTTPResponse(self.sock, method="POST")
        response.begin()
        data = response.read()
        if response.will_close:
            self.close()
        return response.status, data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _send(claim: Claim) -> Outcome:
    outcome = Outcome()
    subscription = claim.subscription
    try:
        target = target_check(subscription.url, allow_internal=allow_internal_targets())
    except TargetRefused as exc:
        outcome.refused = exc.message
        return outcome
    timeout = float(_setting("WEBHOOK_TIMEOUT_SECONDS", 10))
    budget = time.monotonic() + lease_seconds() / 2  # the rest is released before the lease ends
    conn = _Connection(target, timeout)
    secret = subscription.secret
    try:
        for row in claim.rows:
            if time.monotonic() > budget:
                break
            body = row.body.encode()
            delivery_id = str(row.uid)
            timestamp = int(time.time())
            headers = {
                "Host": target.host_header,
                "Content-Type": "application/json",
                "Connection": "keep-alive",
                "User-Agent": USER_AGENT,
                signing.ID_HEADER: delivery_id,
                signing.TIMESTAMP_HEADER: str(timestamp),
                signing.EVENT_HEADER: row.kind,
                signing.SIGNATURE_HEADER: signing.sign(
                    secret, timestamp=timestamp, delivery_id=delivery_id, body=body
                ),
            }
            sent = Sent(row=row, at=timezone.now(), headers=headers)
            started = time.monotonic()
            try:
                sent.status, data = conn.post(headers, body)
                sent.body = data[: RESPONSE_KEEP * 4].decode("utf-8", "replace")[:RESPONSE_KEEP]
            except (OSError, http.client.HTTPException) as exc:
                sent.error = _describe(exc, timeout)
                conn.close()
            sent.ms = int((time.monotonic() - started) * 1000)
            outcome.sent.append(sent)
            if not sent.ok:
                break
    finally:
        conn.close()
    return outcome


def _describe(exc: Exception, timeout: float) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("接收方在 %(seconds)s 秒内未响应") % {"seconds": f"{timeout:g}"}
    if isinstance(exc, ConnectionRefusedError):
        return _("接收方拒绝连接")
    return f"{exc.__class__.__name__}: {exc}"[:500]


# ---------------------------------------------------------------- record
def _record(claim: Claim, outcome: Outcome) -> dict:
    now = timezone.now()
    mine = Delivery.objects.filter(lease_token=claim.token)
    delivered = [s for s in outcome.sent if s.ok]
    failed = next((s for s in outcome.sent if not s.ok), None)
    head_failed = failed.row if failed else (claim.rows[0] if outcome.refused else None)
    attempts = [
        (
            s.row.id, s.at, _dumps(s.headers), s.status, s.body,
            s.error or ("" if s.ok else _("接收方返回 HTTP %(status)s") % {"status": s.status}), s.ms,
        )
        for s in outcome.sent
    ]  # fmt: skip
    if outcome.refused:
        attempts.append((claim.rows[0].id, now, "{}", None, "", outcome.refused, 0))
    with transaction.atomic():
        # A subscription deleted while its rows were in flight took them along: log only the rest.
        alive = set(Delivery.objects.filter(id__in=[a[0] for a in attempts]).values_list("id", flat=True))
        attempts = [a for a in attempts if a[0] in alive]
        # One COPY for the batch's log (a row per attempt): the drain's main cost otherwise.
        copy_rows(DeliveryAttempt._meta.db_table, _ATTEMPT_COLUMNS, attempts)
        by_status: dict[int, list[int]] = {}
        for s in delivered:
            by_status.setdefault(s.status, []).append(s.row.id)
        for status, ids in by_status.items():
            mine.filter(id__in=ids).update(
                state=DeliveryState.DELIVERED,
                attempts=F("attempts") + 1,
                delivered_at=now,
                last_status=status,
                last_error="",
                lease_until=None,
                lease_token=None,
            )
        paused = False
        if head_failed is not None:
            attempts = head_failed.attempts + 1
            error = (
                outcome.refused or failed.error or _("接收方返回 HTTP %(status)s") % {"status": failed.status}
            )
            mine.filter(id=head_failed.id).update(
                attempts=attempts,
                last_status=None if outcome.refused else failed.status,
                last_error=error[:2000],
                next_attempt_at=now + timedelta(seconds=backoff_seconds(attempts)),
                lease_until=None,
                lease_token=None,
            )
            if attempts >= max_attempts():
                paused = _pause(claim.subscription.pk, error=error, attempts=attempts)
        # The rows not sent (behind a failure, or past the time budget) go back to the queue.
        mine.update(lease_until=None, lease_token=None)
    return {"delivered": len(delivered), "failed": 1 if head_failed else 0, "paused": paused}


def _pause(subscription_id: int, *, error: str, attempts: int) -> bool:
    from apps.webhooks.services import subscription_notify_paused

    reason = _("连续 %(n)d 次投递失败，已暂停：%(error)s") % {"n": attempts, "error": error[:300]}
    updated = Subscription.objects.filter(pk=subscription_id, paused_at__isnull=True).update(
        paused_at=timezone.now(), paused_reason=reason
    )
    if updated:
        subscription_notify_paused(subscription_id=subscription_id)
    return bool(updated)


# ---------------------------------------------------------------- drain
def webhook_drain(*, batch: int | None = None, max_seconds: float | None = None) -> dict:
    """Send what is due, subscription by subscription, until nothing is or ``max_seconds``
    passed (the beat entry and the kicks start another drain)."""
    from django_tenants.utils import get_public_schema_name, schema_context

    batch = batch or int(_setting("WEBHOOK_BATCH", 500))
    max_seconds = max_seconds if max_seconds is not None else float(_setting("WEBHOOK_DRAIN_SECONDS", 50))
    totals = {"delivered": 0, "failed": 0, "paused": 0}
    deadline = time.monotonic() + max_seconds
    skip: set[int] = set()
    served: set[int] = set()
    with schema_context(get_public_schema_name()):
        while time.monotonic() < deadline:
            claim = _claim(skip=skip, served=served, batch=batch)
            if claim is None:
                if not served:
                    break
                served.clear()  # a round over every subscription with work is done: start another
                continue
            served.add(claim.subscription.pk)
            result = _record(claim, _send(claim))
            for key in totals:
                totals[key] += int(result[key])
            if result["failed"]:
                skip.add(claim.subscription.pk)  # its head waits for its backoff
    return totals
