"""Delivery in this process (the drain service, a real receiver on loopback): signatures,
order, retries with backoff, the pause after bounded failures, the lease, SSRF at delivery time,
and that an enterprise never receives another's events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from apps.webhooks.choices import DeliveryState, EventKind
from apps.webhooks.delivery import webhook_drain
from apps.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db

PREFIX = EventKind.PREFIX_STATE_CHANGED
REGISTERED = EventKind.IDENTIFIER_REGISTERED


def pending(sub) -> list[Delivery]:
    return list(Delivery.objects.filter(subscription=sub, state=DeliveryState.PENDING).order_by("id"))


def test_events_are_signed_ordered_and_acknowledged(receiver, internal_targets, subscribe, suspend_alpha):
    sub = subscribe(receiver, [PREFIX])
    suspend_alpha()
    suspend_alpha(resume=True)
    suspend_alpha()
    assert Delivery.objects.filter(subscription=sub).count() == 3

    assert webhook_drain(max_seconds=30)["delivered"] == 3

    assert [r.verified for r in receiver.received] == [True, True, True]
    bodies = [r.json for r in receiver.received]
    assert [b["object"]["repr"] for b in bodies] == ["88.101.ALPHA"] * 3
    assert [b["data"]["status"][1] for b in bodies] == ["suspended", "active", "suspended"]  # in order
    assert {b["kind"] for b in bodies} == {"prefix.state_changed"}
    assert bodies[0]["enterprise"] == "ALPHA"
    assert receiver.received[0].path == "/hooks/park?src=portal"
    assert receiver.received[0].headers["X-Park-Webhook-Event"] == "prefix.state_changed"
    ids = [r.delivery_id for r in receiver.received]
    assert len(set(ids)) == 3
    assert set(Delivery.objects.filter(subscription=sub).values_list("state", flat=True)) == {"delivered"}
    assert webhook_drain(max_seconds=5)["delivered"] == 0  # nothing twice


def test_a_tampered_body_fails_the_documented_check(receiver, internal_targets, subscribe, suspend_alpha):
    from tests.webhooks.conftest import verify

    subscribe(receiver, [PREFIX])
    suspend_alpha()
    webhook_drain(max_seconds=30)
    got = receiver.received[0]
    assert verify(receiver.secret, got.headers, got.body)
    assert not verify(receiver.secret, got.headers, got.body.replace(b"ALPHA", b"BETA"))
    assert not verify("whsec_other", got.headers, got.body)


def test_restricted_values_never_leave_in_a_body(receiver, internal_targets, subscribe, register_product):
    subscribe(receiver, [REGISTERED])
    register_product(1)
    webhook_drain(max_seconds=30)
    (got,) = receiver.received
    assert got.json["kind"] == "identifier.registered"
    assert "总装二线" not in got.body.decode()  # production_line is restricted
    assert got.json["object"]["repr"].startswith("88.101.ALPHA/")


def test_500_is_retried_with_backoff_and_the_order_holds(
    receiver, internal_targets, subscribe, suspend_alpha, frozen_clock
):
    sub = subscribe(receiver, [PREFIX])
    suspend_alpha()
    suspend_alpha(resume=True)
    receiver.script = ["500", "500"]

    first = webhook_drain(max_seconds=30)
    assert first == {"delivered": 0, "failed": 1, "paused": 0}
    head, second = pending(sub)
    assert head.attempts == 1 and head.last_status == 500
    assert second.attempts == 0  # waits behind the head: the order holds
    delay = (head.next_attempt_at - dt.datetime.now(dt.UTC)).total_seconds()
    assert 5 <= delay <= 10  # base 10 s with jitter in [0.5, 1]
    assert webhook_drain(max_seconds=5)["delivered"] == 0  # not due yet

    frozen_clock.shift(dt.timedelta(seconds=11))
    assert webhook_drain(max_seconds=30)["failed"] == 1
    head = pending(sub)[0]
    assert head.attempts == 2
    delay = (head.next_attempt_at - dt.datetime.now(dt.UTC)).total_seconds()
    assert 10 <= delay <= 20  # doubled

    frozen_clock.shift(dt.timedelta(seconds=21))
    assert webhook_drain(max_seconds=30)["delivered"] == 2
    assert pending(sub) == []
    statuses = [r.json["data"]["status"][1] for r in receiver.acknowledged]
    assert statuses == ["suspended", "active"]
    assert len(receiver.received) == 4
    assert receiver.received[0].delivery_id == receiver.received[2].delivery_id  # same id on retry
    log = list(Delivery.objects.get(uid=receiver.received[0].delivery_id).attempt_log.order_by("id"))
    assert [a.response_status for a in log] == [500, 500, 200]


@override_settings(WEBHOOK_TIMEOUT_SECONDS=0.5)
def test_a_receiver_that_times_out_is_retried(
    receiver, internal_targets, subscribe, suspend_alpha, frozen_clock
):
    sub = subscribe(receiver, [PREFIX])
    suspend_alpha()
    receiver.script = ["hang"]
    assert webhook_drain(max_seconds=30)["failed"] == 1
    head = pending(sub)[0]
    assert "0.5" in head.last_error and head.last_status is None
    receiver.release.set()
    frozen_clock.shift(dt.timedelta(seconds=11))
    assert webhook_drain(max_seconds=30)["delivered"] == 1
    assert pending(sub) == []


@override_settings(WEBHOOK_MAX_ATTEMPTS=3)
def test_bounded_failures_pause_the_subscription_and_tell_its_admins(
    receiver,
    internal_targets,
    subscribe,
    suspend_alpha,
    frozen_clock,
    park_admin,
    django_capture_on_commit_callbacks,
):
    park_admin.email = "ops@park.example"
    park_admin.save()
    sub = subscribe(receiver, [PREFIX])
    suspend_alpha()
    suspend_alpha(resume=True)
    receiver.script = ["500"] * 3
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):  # the notice is mailed on commit
            webhook_drain(max_seconds=30)
        frozen_clock.shift(dt.timedelta(hours=2))
    sub.refresh_from_db()
    assert sub.paused_at is not None and "500" in sub.paused_reason
    assert len(pending(sub)) == 2  # nothing is lost
    assert webhook_drain(max_seconds=5)["delivered"] == 0  # paused: nothing sent
    assert len(receiver.received) == 3
    (notice,) = mail.outbox
    assert notice.to == ["ops@park.example"] and sub.url in notice.subject
    assert "500" in notice.body

    from apps.webhooks.services import subscription_resume

    subscription_resume(subscription=sub, actor=park_admin)
    assert webhook_drain(max_seconds=30)["delivered"] == 2
    assert [r.json["data"]["status"][1] for r in receiver.acknowledged] == ["suspended", "active"]


def test_a_lease_left_by_a_dead_worker_is_taken_again_after_it_ends(
    receiver, internal_targets, subscribe, suspend_alpha, frozen_clock
):
    from apps.webhooks.delivery import _claim

    sub = subscribe(receiver, [PREFIX])
    suspend_alpha()
    claim = _claim(skip=set(), served=set(), batch=10)  # a worker claims, then dies before sending
    assert claim is not None and len(claim.rows) == 1
    assert webhook_drain(max_seconds=5)["delivered"] == 0  # leased: nobody else sends it
    frozen_clock.shift(dt.timedelta(seconds=61))
    assert webhook_drain(max_seconds=30)["delivered"] == 1
    assert pending(sub) == []


def test_an_enterprise_receives_its_own_events_only(
    receiver, internal_targets, subscribe, suspend_alpha, alpha, beta, admin_a, admin_b
):
    from apps.identifiers.models import Prefix
    from apps.identifiers.prefixes import prefix_suspend

    sub_b = subscribe(receiver, [PREFIX], owner=beta)
    suspend_alpha()  # ALPHA's event
    assert Delivery.objects.filter(subscription=sub_b).count() == 0
    prefix_suspend(prefix=Prefix.objects.get(prefix="88.101.BETA"), actor=None, reason="测试")
    assert Delivery.objects.filter(subscription=sub_b).count() == 1
    webhook_drain(max_seconds=30)
    assert [r.json["enterprise"] for r in receiver.received] == ["BETA"]


def test_an_internal_target_is_refused_at_delivery_when_the_park_stops_allowing_it(
    receiver, internal_targets, subscribe, suspend_alpha, park_admin
):
    from apps.webhooks.services import webhook_settings_update

    sub = subscribe(receiver, [PREFIX])
    suspend_alpha()
    webhook_settings_update(actor=park_admin, allow_internal_targets=False)  # as a DNS change would
    assert webhook_drain(max_seconds=30)["failed"] == 1
    assert receiver.received == []  # no connection was made
    (head,) = pending(sub)
    assert "127.0.0.1" in head.last_error
    assert Subscription.objects.get(pk=sub.pk).paused_at is None


def test_an_enterprise_receives_its_own_bill_written_in_the_parks_schema(
    receiver, internal_targets, subscribe, alpha, beta, frozen_clock
):
    """Billing audits in the park's schema; the event still belongs to the bill's enterprise."""
    from apps.billing import services as billing
    from tests import factories
    from tests.billing import builders

    finance = factories.user("park_finance", park_role="park_finance")
    builders.price_list(finance)
    builders.resolutions(alpha, 300000, hour=builders.local(2026, 2, 3, 10))
    sub_a = subscribe(receiver, [EventKind.BILL_ISSUED], owner=alpha)
    sub_b = subscribe(receiver, [EventKind.BILL_ISSUED], owner=beta)
    receiver.secret = sub_a.secret
    draft, _outcome = billing.bill_generate(enterprise=alpha, period=builders.FEBRUARY)
    bill = billing.bill_issue(actor=finance, bill=draft)
    assert Delivery.objects.filter(subscription=sub_b).count() == 0
    (delivery,) = Delivery.objects.filter(subscription=sub_a)
    webhook_drain(max_seconds=30)
    (got,) = receiver.acknowledged
    assert got.json["enterprise"] == "ALPHA" and got.json["object"]["repr"] == str(bill)
    assert got.delivery_id == str(delivery.uid)


def test_subscriptions_waiting_on_backoff_do_not_hide_a_due_one(
    receiver, internal_targets, subscribe, suspend_alpha, alpha, frozen_clock
):
    """The claim looks at subscriptions 20 at a time: the ones whose head waits are set aside, so
    one that is due behind more than 20 waiting ones is still sent."""
    subs = [subscribe(receiver, [PREFIX]) for _ in range(20)] + [
        subscribe(receiver, [PREFIX], owner=alpha) for _ in range(2)
    ]
    due = subs[-1]
    receiver.secret = due.secret
    suspend_alpha()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    Delivery.objects.exclude(subscription=due).update(next_attempt_at=later)
    assert webhook_drain(max_seconds=30)["delivered"] == 1
    assert [r.delivery_id for r in receiver.acknowledged] == [str(Delivery.objects.get(subscription=due).uid)]


def test_an_import_announces_each_identifier_and_its_end(
    receiver, internal_targets, subscribe, alpha, admin_a
):
    """The bulk path (one COPY of audit entries) makes one delivery per identifier, in order."""
    from django_tenants.utils import tenant_context

    from apps.imports import services as imports
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version
    from tests.imports import files
    from tests.imports.conftest import upload

    road = template_current_version(ensure_seed_templates()["PARK-ROAD"])
    sub = subscribe(receiver, [REGISTERED, EventKind.IMPORT_FINISHED], owner=alpha)
    with tenant_context(alpha):
        job = imports.import_job_create(
            actor=admin_a,
            enterprise=alpha,
            template_version=road,
            uploaded_file=upload("r.csv", files.csv_bytes([files.ROAD_HEADER, *files.road_rows(3)])),
            start=False,
        )
        imports.import_job_validate(job=job)
        imports.import_job_apply(job=imports.import_job_confirm(job=job, actor=admin_a, start=False))
    assert webhook_drain(max_seconds=30)["delivered"] == 4
    kinds = [(r.json["kind"], r.json["object"]["repr"]) for r in receiver.acknowledged]
    assert kinds == [
        ("identifier.registered", "88.101.ALPHA/R00001"),
        ("identifier.registered", "88.101.ALPHA/R00002"),
        ("identifier.registered", "88.101.ALPHA/R00003"),
        ("import.finished", "r.csv"),
    ]
    assert Delivery.objects.filter(subscription=sub, state="delivered").count() == 4
