"""Bad upstream replies are recorded with a clear message and retried or stopped as they deserve."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from apps.sync.models import OutboxEntry, OutboxStatus, UpstreamLink
from apps.sync.outbox import outbox_record
from apps.sync.services import sync_drain, sync_retry
from apps.tasks.models import TaskRun

pytestmark = pytest.mark.django_db

OK_TOKEN = (
    200,
    "application/json",
    json.dumps({"status": 1, "message": "success", "data": {"token": "tok"}}),
)


def _values(n: int) -> dict:
    return {
        "templateVersion": "t-1",
        "values": [{"index": 2000, "type": "name", "data": {"format": "string", "value": f"对象{n}"}}],
    }


@pytest.fixture
def rows(park):
    return [
        outbox_record(operation="create", handle=f"88.101.X/bad{i}", payload=_values(i)) for i in range(3)
    ]


@pytest.fixture
def broken_link(broken_node, enterprise_mode):
    UpstreamLink.objects.all().delete()
    return UpstreamLink.objects.create(url=broken_node.url, username="u", password="p", timeout_seconds=5)


def _batch_runs():
    return list(TaskRun.objects.filter(task_name="apps.sync.batch").order_by("id"))


def test_html_error_page_is_retried_later_with_a_clear_message(broken_node, broken_link, rows):
    broken_node.token_reply = OK_TOKEN
    broken_node.reply = (502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>")

    result = sync_drain()

    assert "HTML" in result["error"] and "502" in result["error"]
    run = _batch_runs()[-1]
    assert run.state == "failed" and "502" in run.message
    for row in OutboxEntry.objects.filter(pk__in=[r.pk for r in rows]):
        assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "HTML" in row.last_error
    link = UpstreamLink.objects.get()
    assert link.next_attempt_at > timezone.now() and not link.stopped_reason
    # Within the backoff the drain waits instead of hammering the node.
    before = len(broken_node.requests)
    assert sync_drain()["skipped"] == "backoff"
    assert len(broken_node.requests) == before


def test_backoff_grows_with_consecutive_failures(broken_node, broken_link, rows):
    broken_node.token_reply = OK_TOKEN
    broken_node.reply = (503, "text/html", "<html>down</html>")
    delays = []
    for _ in range(4):
        started = timezone.now()
        sync_drain(ignore_backoff=True)
        link = UpstreamLink.objects.get()
        delays.append((link.next_attempt_at - started).total_seconds())
    assert link.consecutive_failures == 4
    # base·2^(n-1) with jitter in [0.5, 1]: the 4th wait is longer than the 1st could ever be.
    assert delays[3] > delays[0]
    assert OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count() == 3


def test_wrong_envelope_is_named_and_retried(broken_node, broken_link, rows):
    broken_node.token_reply = OK_TOKEN
    broken_node.reply = (200, "application/json", json.dumps({"code": 0, "msg": "ok", "result": []}))

    result = sync_drain()

    assert "{status, message, data}" in result["error"]
    assert OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count() == 3
    assert not UpstreamLink.objects.get().stopped_reason


def test_401_refreshes_the_token_once_then_stops(broken_node, broken_link, rows):
    broken_node.token_reply = OK_TOKEN
    broken_node.reply = (
        401,
        "application/json",
        json.dumps({"status": -1, "message": "没有登录，需要验证", "data": None}),
    )

    result = sync_drain()

    token_calls = [p for m, p in broken_node.requests if p.startswith("/identity/token")]
    batch_calls = [p for m, p in broken_node.requests if p.startswith("/identityv2/data/batchCreate")]
    assert len(token_calls) == 2 and len(batch_calls) == 2  # one refresh, then give up
    assert "认证" in result["error"]
    link = UpstreamLink.objects.get()
    assert "认证" in link.stopped_reason
    assert OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count() == 3  # nothing lost
    # Stopped: no more requests until someone presses retry.
    count = len(broken_node.requests)
    assert sync_drain(ignore_backoff=True)["skipped"] == "stopped"
    assert len(broken_node.requests) == count
    sync_retry()
    assert not UpstreamLink.objects.get().stopped_reason


def test_wrong_password_stops_with_the_nodes_message(broken_node, broken_link, rows):
    broken_node.token_reply = (
        200,
        "application/json",
        json.dumps({"status": -2, "message": "用户名/密码错误！", "data": None}),
    )

    sync_drain()

    assert "用户名/密码错误" in UpstreamLink.objects.get().stopped_reason


def test_an_item_refused_by_the_node_fails_alone_and_can_be_retried(
    broken_node, broken_link, rows, park_admin, park_client
):
    from tests.factories import PASSWORD

    broken_node.token_reply = OK_TOKEN
    data = [
        {"handle": rows[0].handle, "msg": "success"},
        {"handle": rows[1].handle, "msg": "非法操作，索引2000在模板中不存在"},
        {"handle": rows[2].handle, "msg": "success"},
    ]
    broken_node.reply = (
        200,
        "application/json",
        json.dumps({"status": 1, "message": "success", "data": data}),
    )

    result = sync_drain()

    assert result["sent"] == 2 and result["failed"] == 1
    failed = OutboxEntry.objects.get(pk=rows[1].pk)
    assert failed.status == OutboxStatus.FAILED and "索引2000" in failed.last_error
    assert OutboxEntry.objects.filter(status=OutboxStatus.SENT).count() == 2

    park_client.login(username=park_admin.username, password=PASSWORD)
    page = park_client.get("/sync/")
    assert page.status_code == 200
    assert "索引2000在模板中不存在" in page.content.decode()
    response = park_client.post("/sync/retry/", {"entry": failed.pk})
    assert response.status_code == 302
    assert OutboxEntry.objects.get(pk=failed.pk).status == OutboxStatus.PENDING


def test_sync_page_is_for_park_staff_only(member_a, park_client):
    from tests.factories import PASSWORD

    park_client.login(username=member_a.username, password=PASSWORD)
    assert park_client.get("/sync/").status_code == 403
