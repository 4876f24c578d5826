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

from apps.webhooks import signing
from apps.webhooks.choices import DeliveryState
from apps.webhooks.models import Delivery, DeliveryAttempt, Subscription
from apps.webhooks.targets import Target, TargetRefused, target_check

log = logging.getLogger(__name__)

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


def _claim(*, skip: set[int], batch: int) -> Claim | None:
    now = timezone.now()
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(is_active=True, paused_at__isnull=True)
            .exclude(pk__in=skip)
            .filter(Exists(Delivery.objects.filter(subscription=OuterRef("pk"), state=DeliveryState.PENDING)))
            .order_by("pk")[:20]
        )
        for subscription in subscriptions:
            rows = list(
                Delivery.objects.filter(subscription=subscription, state=DeliveryState.PENDING).order_by(
                    "id"
                )[:batch]
            )
            taken = []
            for row in rows:
                if row.next_attempt_at > now or (row.lease_until and row.lease_until > now):
                    break
                taken.append(row)
            if not taken:
                skip.add(subscription.pk)
                continue
            token = uuid.uuid4()
            Delivery.objects.filter(id__in=[r.id for r in taken]).update(
                lease_until=now + timedelta(seconds=lease_seconds()), lease_token=token
            )
            return Claim(subscription, taken, token)
    return None


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


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the vetted address, with the certificate checked against the URL's host name."""

    def __init__(self, address: str, *args, **kwargs):
        self._address = address
        super().__init__(*args, **kwargs)

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(
            target.address, target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(target.address, target.port, timeout=timeout)


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
    conn = _connection(target, timeout)
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
                conn.request("POST", target.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                sent.status = response.status
                sent.body = data[: RESPONSE_KEEP * 4].decode("utf-8", "replace")[:RESPONSE_KEEP]
                if response.will_close:
                    conn.close()
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
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(
                    delivery_id=s.row.id,
                    attempted_at=s.at,
                    request_headers=s.headers,
                    response_status=s.status,
                    response_body=s.body,
                    error=s.error or ("" if s.ok else _("接收方返回 HTTP %(status)s") % {"status": s.status}),
                    duration_ms=s.ms,
                )
                for s in outcome.sent
            ]
            + (
                [
                    DeliveryAttempt(
                        delivery_id=claim.rows[0].id,
                        attempted_at=now,
                        request_headers={},
                        error=outcome.refused,
                    )
                ]
                if outcome.refused
                else []
            )
        )
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

    batch = batch or int(_setting("WEBHOOK_BATCH", 200))
    max_seconds = max_seconds if max_seconds is not None else float(_setting("WEBHOOK_DRAIN_SECONDS", 50))
    totals = {"delivered": 0, "failed": 0, "paused": 0}
    deadline = time.monotonic() + max_seconds
    skip: set[int] = set()
    served: set[int] = set()
    with schema_context(get_public_schema_name()):
        while time.monotonic() < deadline:
            claim = _claim(skip=skip | served, batch=batch)
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
