"""Registrations on the park reach a real second node: same values, in order, nothing lost,
nothing twice — through an upstream outage, a reply lost after commit and a killed drainer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from apps.identifiers.models import Identifier
from apps.sync import snms
from apps.sync.models import OutboxEntry, OutboxStatus, UpstreamLink
from apps.sync.services import sync_drain, sync_reconcile
from apps.tasks.models import TaskRun
from tests.conftest import ROOT, _database_url, wait_for
from tests.sync import registry


def _public(values: list[dict]) -> list[tuple[int, str, str]]:
    return [(v["index"], v["type"], v["data"]["value"]) for v in snms.item_values(values)]


def _assert_same_upstream(up, identifiers: list[Identifier]) -> None:
    handles = [i.handle for i in identifiers]
    counts = up.identifier_counts(f"{identifiers[0].prefix.prefix}/%")
    for ident in identifiers:
        ident.refresh_from_db()
        assert counts.get(ident.handle) == 1, f"{ident.handle} arrived {counts.get(ident.handle, 0)} times"
        status, values = up.identifier_values(ident.handle)
        assert status == ident.status
        assert _public(values) == _public(ident.values), ident.handle
    assert len(set(handles)) == len(handles)


@pytest.mark.django_db
def test_registrations_arrive_upstream_with_the_same_values_in_order(
    link, up, upstream_prefixes, enterprise_a, admin_a
):
    idents = registry.register_many(enterprise_a, admin_a, range(4))  # the importer's bulk path
    idents += [registry.register(enterprise_a, admin_a, n) for n in range(4, 6)]  # one by one
    # create → update → withdraw of the same handle inside one batch keep their order
    registry.update(idents[0], admin_a, model="S13-M-200", qc_result="待检")
    registry.update(idents[0], admin_a, batch_no="B99999")
    registry.withdraw(idents[1], admin_a)
    registry.withdraw(idents[5], admin_a)
    pending = OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count()
    assert pending == 6 + 2 + 2

    result = sync_drain()

    assert result["sent"] == pending and result["failed"] == 0 and not result["error"]
    _assert_same_upstream(up, idents)
    status, values = up.identifier_values(idents[0].handle)
    assert ("S13-M-200" in str(values)) and ("B99999" in str(values))
    assert up.identifier_values(idents[1].handle)[0] == "withdrawn"
    assert up.identifier_values(idents[5].handle)[0] == "withdrawn"
    # Values that are not public never reach the upstream.
    assert "L1" not in str(
        up.sql('SELECT "values" FROM identifiers_identifier WHERE handle = %s', [idents[2].handle])
    )
    run = TaskRun.objects.filter(task_name="apps.sync.batch").latest("id")
    assert run.state == "succeeded" and run.result["sent"] == pending


@pytest.mark.django_db
def test_upstream_down_for_a_while_then_everything_arrives_once(
    link, up, upstream_prefixes, enterprise_a, admin_a
):
    up.stop()
    idents = registry.register_many(enterprise_a, admin_a, range(25))
    first = sync_drain()
    assert "无法连接" in first["error"]
    # The park keeps working while the upstream is away, and the outbox grows.
    idents += registry.register_many(enterprise_a, admin_a, range(25, 40))
    for ident in idents[:10]:
        registry.update(ident, admin_a, qc_result="不合格")
    assert sync_drain()["skipped"] == "backoff"
    assert OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count() == 40 + 10
    link = UpstreamLink.objects.get()
    assert link.consecutive_failures == 1 and "无法连接" in link.last_error

    up.start()
    result = sync_drain(ignore_backoff=True)

    assert result["sent"] == 50 and result["failed"] == 0
    assert OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count() == 0
    _assert_same_upstream(up, idents)
    assert UpstreamLink.objects.get().consecutive_failures == 0


@pytest.mark.django_db
def test_batch_committed_but_reply_timed_out_is_retried_without_duplicates(
    link, up, upstream_prefixes, enterprise_a, admin_a
):
    UpstreamLink.objects.filter(pk=link.pk).update(timeout_seconds=2)
    idents = registry.register_many(enterprise_a, admin_a, range(12))
    up.set_delay(5)

    first = sync_drain()

    assert "超时" in first["error"]
    assert OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count() == 12
    # The upstream did commit them.
    wait_for(lambda: all(up.identifier_values(i.handle) for i in idents))
    up.set_delay(None)

    second = sync_drain(ignore_backoff=True)

    assert second["sent"] == 12 and second["failed"] == 0
    _assert_same_upstream(up, idents)


def test_drainer_killed_mid_batch_then_resent_nothing_lost_or_doubled(
    up, upstream_prefixes, django_db_blocker
):
    """The drainer runs as its own process (it must see committed rows, so this test commits
    its rows itself and removes them afterwards instead of relying on a flush)."""
    from django.conf import settings

    from apps.sync.adapters import adapter_for
    from tests.sync.node import API_PASSWORD, API_USER

    tag = os.urandom(3).hex()
    handles = [f"88.101.ALPHA/K{tag}{n}" for n in range(15)]
    bodies = {
        h: {
            "templateVersion": "kill-1",
            "values": [{"index": 2000, "type": "name", "data": {"format": "string", "value": f"对象{n}"}}],
        }
        for n, h in enumerate(handles)
    }
    from apps.tenants.choices import NodeMode
    from apps.tenants.models import Park
    from tests import factories

    with django_db_blocker.unblock():
        factories.ensure_test_park()  # an earlier transactional test may have flushed it
        mode_before = Park.objects.values_list("node_mode", flat=True).first()
        Park.objects.update(node_mode=NodeMode.ENTERPRISE)  # committed: the drainer process reads it
        UpstreamLink.objects.all().delete()
        link = UpstreamLink.objects.create(
            url=up.url, username=API_USER, password=API_PASSWORD, batch_size=1000, timeout_seconds=120
        )
        adapter_for(link).ensure_template(
            {
                "prefix": "88.101.ALPHA",
                "version": "kill-1",
                "industryCategory": "C",
                "industrySpecific": "38",
                "industryTrade": "382",
                "industrySubclass": "3821",
                "type": 1,
                "items": [
                    {
                        "name": "名称",
                        "idType": "name",
                        "idIndex": 2000,
                        "required": True,
                        "metadata": {"type": "string", "minLength": 1, "maxLength": 50},
                    }
                ],
            }
        )
        first_run = TaskRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
        rows = OutboxEntry.objects.bulk_create(
            [OutboxEntry(operation="create", handle=h, payload=bodies[h]) for h in handles]
        )
        try:
            up.set_delay(30)
            env = dict(os.environ)
            env["DATABASE_URL"] = _database_url(settings.DATABASES["default"])
            env["CACHE_KEY_PREFIX"] = settings.CACHES["default"]["KEY_PREFIX"]
            drainer = subprocess.Popen(
                [sys.executable, "manage.py", "sync_drain"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                # The batch reached the upstream and was committed there; the drainer waits for the reply.
                wait_for(lambda: len(up.identifier_counts(f"88.101.ALPHA/K{tag}%")) == 15, timeout=60)
                # A second drainer at the same time sends nothing twice: it finds the lock taken.
                assert sync_drain(ignore_backoff=True) == {"skipped": "busy"}
                os.killpg(drainer.pid, signal.SIGKILL)
                drainer.wait()
            finally:
                if drainer.poll() is None:
                    os.killpg(drainer.pid, signal.SIGKILL)
            up.set_delay(None)
            assert (
                OutboxEntry.objects.filter(pk__in=[r.pk for r in rows], status=OutboxStatus.PENDING).count()
                == 15
            )

            # The killed drainer's lock died with its connection; the batch goes out again.
            result = wait_for(
                lambda: (r := sync_drain(ignore_backoff=True)).get("skipped") != "busy" and r, timeout=30
            )

            assert result["sent"] == 15 and result["failed"] == 0
            assert up.identifier_counts(f"88.101.ALPHA/K{tag}%") == {h: 1 for h in handles}
            for n, h in enumerate(handles):
                assert _public(up.identifier_values(h)[1]) == [(2000, "name", f"对象{n}")]
            runs = TaskRun.objects.filter(pk__gt=first_run, task_name="apps.sync.batch").order_by("id")
            assert [r.state for r in runs] == ["failed", "succeeded"]  # the dead drainer's batch is closed
        finally:
            up.set_delay(None)
            OutboxEntry.objects.filter(pk__in=[r.pk for r in rows]).delete()
            TaskRun.objects.filter(pk__gt=first_run, task_name="apps.sync.batch").delete()
            UpstreamLink.objects.all().delete()
            Park.objects.update(node_mode=mode_before)


@pytest.mark.django_db
def test_reconciliation_resends_what_is_missing_or_different(
    link, up, upstream_prefixes, enterprise_b, admin_b
):
    from apps.sync.client import SnmsClient
    from apps.sync.services import snms_version_name
    from tests.sync.node import API_PASSWORD, API_USER

    idents = registry.register_many(enterprise_b, admin_b, range(5))
    assert sync_drain()["sent"] == 5
    # A write lost on the way (marked sent, never arrived) and a value changed upstream.
    lost = registry.register(enterprise_b, admin_b, 5)
    OutboxEntry.objects.filter(handle=lost.handle).update(status=OutboxStatus.SENT)
    client = SnmsClient(base_url=up.url, username=API_USER, password=API_PASSWORD)
    detail = client.identifier_detail(idents[2].handle)
    changed = [
        dict(v, data={"format": "string", "value": "被改动"}) if v["type"] == "model" else v
        for v in detail["value"]
        if v["index"] >= 2000
    ]
    version = snms_version_name(idents[2].template_version)
    client.identifier_update({"handle": idents[2].handle, "templateVersion": version, "value": changed})

    report = sync_reconcile()

    assert report["resent_create"] == 1 and report["resent_update"] == 1
    assert sync_drain()["sent"] == 2
    _assert_same_upstream(up, [*idents, lost])
    again = sync_reconcile()
    assert again["resent_create"] == again["resent_update"] == 0
    assert again["matching"] >= 1


@pytest.mark.django_db
def test_identifiers_of_a_prefix_under_review_wait_for_it(link, up, upstream_prefixes, enterprise_b, admin_b):
    from apps.identifiers.choices import UpstreamStatus

    ident = registry.register(enterprise_b, admin_b, 0)
    registry.park_prefix(enterprise_b, upstream_status=UpstreamStatus.UNDER_REVIEW)
    assert sync_drain()["sent"] == 0
    assert OutboxEntry.objects.get(handle=ident.handle).status == OutboxStatus.PENDING
    registry.park_prefix(enterprise_b, upstream_status=UpstreamStatus.ACTIVE)
    assert sync_drain()["sent"] == 1


@pytest.mark.django_db
def test_reconciliation_goes_on_past_a_prefix_the_upstream_refuses(
    link, up, upstream_prefixes, enterprise_b, admin_b
):
    from apps.identifiers.choices import PrefixStatus, UpstreamStatus
    from apps.identifiers.models import Prefix
    from tests import factories

    idents = registry.register_many(enterprise_b, admin_b, range(2))
    assert sync_drain()["sent"] == 2
    lost = registry.register(enterprise_b, admin_b, 2)
    OutboxEntry.objects.filter(handle=lost.handle).update(status=OutboxStatus.SENT)
    gamma = factories.ensure_enterprise("gamma")
    # Sorted before 88.101.BETA: active here, unknown upstream (refused with -2).
    Prefix.objects.create(
        prefix="88.101.AAA",
        enterprise=gamma,
        status=PrefixStatus.ACTIVE,
        upstream_status=UpstreamStatus.ACTIVE,
    )
    # Never applied for: not asked about at all.
    Prefix.objects.create(
        prefix="88.101.AAB",
        enterprise=gamma,
        status=PrefixStatus.ACTIVE,
        upstream_status=UpstreamStatus.NOT_SENT,
    )

    report = sync_reconcile()

    assert "88.101.AAA" in report["refused"] and "88.101.AAB" not in report["refused"]
    assert report["resent_create"] == 1
    assert sync_drain()["sent"] == 1
    _assert_same_upstream(up, [*idents, lost])
    assert UpstreamLink.objects.get().last_reconcile_result["refused"].keys() == {"88.101.AAA"}


@pytest.mark.django_db
def test_later_rows_of_a_handle_wait_behind_its_failed_row_and_retry_sends_the_chain(
    link, up, upstream_prefixes
):
    from apps.sync.client import SnmsClient
    from apps.sync.outbox import outbox_record
    from apps.sync.services import sync_retry
    from tests.sync.node import API_PASSWORD, API_USER

    tag = os.urandom(3).hex()
    version, handle = f"chain-{tag}", f"88.101.ALPHA/C{tag}"

    def payload(name):
        value = [{"index": 2000, "type": "name", "data": {"format": "string", "value": name}}]
        return {"templateVersion": version, "values": value}

    create = outbox_record(operation="create", handle=handle, payload=payload("第一版"))
    update = outbox_record(operation="update", handle=handle, payload=payload("第二版"))

    # The upstream does not know the template yet: the create fails, the update must not go
    # out ahead of it (it would fail too, or worse, land on someone else's identifier).
    sync_drain()
    create.refresh_from_db()
    update.refresh_from_db()
    assert create.status == OutboxStatus.FAILED and "模板" in create.last_error
    assert update.status == OutboxStatus.PENDING
    assert sync_drain()["batches"] == 0  # still held behind the failed create

    SnmsClient(base_url=up.url, username=API_USER, password=API_PASSWORD).template_create(
        {
            "prefix": "88.101.ALPHA",
            "version": version,
            "industryCategory": "C",
            "industrySpecific": "38",
            "industryTrade": "382",
            "industrySubclass": "3821",
            "type": 2,
            "items": [
                {
                    "name": "名称",
                    "idType": "name",
                    "idIndex": 2000,
                    "metadata": {"type": "string", "minLength": 1, "maxLength": 20},
                }
            ],
        }
    )
    assert sync_retry(entry_ids=[create.pk]) == 1

    assert sync_drain()["sent"] == 2
    assert up.identifier_counts(handle) == {handle: 1}
    assert _public(up.identifier_values(handle)[1]) == [(2000, "name", "第二版")]


@pytest.mark.django_db
def test_a_template_the_upstream_refuses_fails_only_its_rows(
    link, up, upstream_prefixes, enterprise_a, admin_a
):
    from apps.identifiers.choices import PrefixStatus, UpstreamStatus
    from apps.identifiers.models import Prefix
    from tests import factories

    gamma = factories.ensure_enterprise("gamma")
    # Its first prefix (the one it registers under) is active here but unknown upstream.
    Prefix.objects.create(
        prefix="88.101.NOPE",
        enterprise=gamma,
        status=PrefixStatus.ACTIVE,
        upstream_status=UpstreamStatus.ACTIVE,
    )
    admin_g = factories.member("admin_g", gamma, role="enterprise_admin")
    theirs = registry.register_many(gamma, admin_g, range(2))
    assert all(i.handle.startswith("88.101.NOPE/") for i in theirs)
    ours = registry.register_many(enterprise_a, admin_a, range(3))

    result = sync_drain()

    assert result["sent"] == 3 and result["failed"] == 2
    for ident in theirs:
        row = OutboxEntry.objects.get(handle=ident.handle)
        assert row.status == OutboxStatus.FAILED and "前缀" in row.last_error
    _assert_same_upstream(up, ours)


class _PlainNode:
    """The second node as a plain SNMS node: no reconciliation extension; detail reads counted."""

    def __init__(self, adapter):
        self.adapter, self.details = adapter, 0

    def prefix_digest(self, prefix):
        return None

    def identifier_detail(self, handle):
        self.details += 1
        return self.adapter.identifier_detail(handle)

    def __getattr__(self, name):
        return getattr(self.adapter, name)


@pytest.mark.django_db
def test_reconciliation_with_a_plain_node_samples_first(
    link, up, upstream_prefixes, enterprise_b, admin_b, settings, monkeypatch
):
    from apps.sync import services
    from apps.sync.adapters import adapter_for

    idents = registry.register_many(enterprise_b, admin_b, range(6))
    assert sync_drain()["sent"] == 6
    plain = _PlainNode(adapter_for(link))
    monkeypatch.setattr(services, "adapter_for", lambda _link: plain)
    settings.SYNC_RECONCILE_SAMPLE = 2
    local = Identifier.objects.filter(prefix=idents[0].prefix, status="active").count()

    report = sync_reconcile()

    assert report["sampled"] == 2 and report["resent_create"] == 0
    assert plain.details == 2  # not one GET per identifier
    # A lost write is found by a full pass (sample covering the prefix).
    lost = registry.register(enterprise_b, admin_b, 7)
    OutboxEntry.objects.filter(handle=lost.handle).update(status=OutboxStatus.SENT)
    settings.SYNC_RECONCILE_SAMPLE = 0
    plain.details = 0
    report = sync_reconcile()
    assert report["resent_create"] == 1 and plain.details == local + 1


def test_reconciliation_runs_daily():
    from apps.sync.schedule import BEAT_SCHEDULE

    schedule = BEAT_SCHEDULE["sync-reconcile"]["schedule"]
    assert schedule.hour == {3} and schedule.minute == {17}
