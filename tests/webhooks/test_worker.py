"""Delivery by real Celery workers: a receiver gets, verifies and acknowledges what the worker
sends after the event's commit; a worker killed while a delivery is in flight leaves a lease that,
once run out, lets the delivery be sent again (same id: at least once, nothing lost)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import uuid

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from apps.webhooks.choices import DeliveryState, EventKind
from apps.webhooks.delivery import lease_seconds, webhook_drain
from apps.webhooks.models import Delivery
from tests.conftest import ROOT, _database_url, _wait_for_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PREFIX = EventKind.PREFIX_STATE_CHANGED


def test_the_worker_delivers_after_commit_and_the_receiver_acknowledges(
    celery_worker, receiver, internal_targets, subscribe, suspend_alpha
):
    sub = subscribe(receiver, [PREFIX])
    with transaction.atomic():  # three events, one commit, one kick
        suspend_alpha()
        suspend_alpha(resume=True)
        suspend_alpha()
    wait_for(lambda: len(receiver.acknowledged) == 3)
    assert all(r.verified for r in receiver.received)
    assert [r.json["data"]["status"][1] for r in receiver.acknowledged] == [
        "suspended",
        "active",
        "suspended",
    ]
    wait_for(lambda: not Delivery.objects.filter(subscription=sub, state=DeliveryState.PENDING).exists())
    assert set(Delivery.objects.filter(subscription=sub).values_list("last_status", flat=True)) == {200}


def test_an_event_rolled_back_is_never_delivered(
    celery_worker, receiver, internal_targets, subscribe, suspend_alpha
):
    sub = subscribe(receiver, [PREFIX])
    with pytest.raises(RuntimeError), transaction.atomic():
        suspend_alpha()
        raise RuntimeError("the registering transaction fails")
    assert not Delivery.objects.filter(subscription=sub).exists()


def _start_worker(queue: str) -> subprocess.Popen:
    from django.conf import settings

    env = dict(os.environ)
    env["DATABASE_URL"] = _database_url(settings.DATABASES["default"])
    env["REDIS_URL"] = settings.REDIS_URL
    env["CELERY_QUEUE"] = queue
    env["CACHE_KEY_PREFIX"] = settings.CACHES["default"]["KEY_PREFIX"]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "park_portal", "worker", "-Q", queue, "-c", "1", "-P", "threads",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


@override_settings(WEBHOOK_KICK_ON_COMMIT=False)  # only the worker this test kills sends
def test_a_worker_killed_mid_delivery_is_redelivered_after_its_lease(
    receiver, internal_targets, subscribe, suspend_alpha
):
    from apps.webhooks.tasks import webhook_drain_task
    from park_portal.celery import app

    sub = subscribe(receiver, [PREFIX])
    suspend_alpha()
    receiver.script = ["hang"]  # the first POST is held open: the worker is mid-delivery
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(queue)
    try:
        _wait_for_worker(app, queue, worker)
        webhook_drain_task.apply_async(queue=queue)
        first = receiver.arrivals.get(timeout=60)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    receiver.release.set()

    (delivery,) = Delivery.objects.filter(subscription=sub)
    assert delivery.state == DeliveryState.PENDING and delivery.lease_until is not None
    assert delivery.attempt_log.count() == 0  # the dead worker recorded nothing
    assert webhook_drain(max_seconds=5)["delivered"] == 0  # its lease still holds

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=lease_seconds() + 1), tick=False):
        assert webhook_drain(max_seconds=30)["delivered"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    # Sent twice with one id (the receiver deduplicates on it): once by the dead worker, once after.
    assert [r.delivery_id for r in receiver.received] == [first.delivery_id] * 2 == [str(delivery.uid)] * 2
    assert str(delivery.uid) in {r.delivery_id for r in receiver.acknowledged}
