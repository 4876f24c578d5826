"""The park's sync page without an upstream: the monthly filing JSON path."""

from __future__ import annotations

import json

import pytest

from apps.sync.models import UpstreamLink
from apps.sync.services import sync_drain

pytestmark = pytest.mark.django_db


def test_without_an_upstream_nothing_is_sent_and_the_filing_json_is_offered(park_admin, park_client):
    UpstreamLink.objects.all().delete()
    assert sync_drain()["skipped"] == "no-upstream"

    park_client.force_login(park_admin)
    page = park_client.get("/sync/").content.decode()
    assert "/sync/filing/" in page

    response = park_client.get("/sync/filing/?period=2026-10")
    assert response.status_code == 200
    assert "filing-2026-10.json" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["period"]["month"] == "2026-10"
    assert body["period"]["start"] == "2026-10-01" and body["period"]["end"] == "2026-10-31"
    assert body["node"]["prefix_root"] == "88.101"
    for key in ("operating_hours", "downtime_minutes", "enterprises_active", "prefixes"):
        assert isinstance(body["operation"][key], (int, float))
    for key in (
        "availability",
        "registrations",
        "identifiers_total",
        "sync_sent",
        "sync_pending",
        "sync_failed",
    ):
        assert key in body["sla"]
    assert isinstance(body["maintenance"], list) and isinstance(body["emergencies"], list)


def test_a_stored_filing_month_is_given_as_stored(park_admin, park_client):
    import datetime as dt

    from apps.reports.models import FilingReport

    UpstreamLink.objects.all().delete()
    stored = {"version": 1, "period": {"month": "2026-09"}, "sla": {"registrations": 12345}}
    FilingReport.objects.create(
        period_start=dt.date(2026, 9, 1), period_end=dt.date(2026, 9, 30), body=stored
    )
    park_client.force_login(park_admin)

    response = park_client.get("/sync/filing/?period=2026-09")

    assert response.status_code == 200
    assert json.loads(response.content) == stored
    assert FilingReport.objects.get(period_start=dt.date(2026, 9, 1)).body == stored  # read only
    # A month without a stored filing is still built from the current figures.
    assert json.loads(park_client.get("/sync/filing/?period=2026-08").content)["period"]["month"] == "2026-08"


def test_beat_entries_name_registered_tasks():
    import apps.sync.tasks  # noqa: F401 - registers the tasks
    from park_portal.celery import _collect_beat_schedule, app

    schedule = _collect_beat_schedule()
    for key in ("sync-drain", "sync-prefix-status", "sync-reconcile"):
        assert schedule[key]["task"] in app.tasks


@pytest.mark.parametrize("period", ["abc", "2026-13", "2026-1", "2026-10-01"])
def test_a_malformed_filing_month_is_refused_with_a_message(park_admin, park_client, period):
    UpstreamLink.objects.all().delete()
    park_client.force_login(park_admin)
    response = park_client.get(f"/sync/filing/?period={period}")
    assert response.status_code == 400
    assert "YYYY-MM" in json.loads(response.content)["message"]


def test_the_sync_page_counts_the_outbox_by_state(enterprise_mode, park_admin, park_client):
    from apps.sync.models import OutboxEntry, OutboxOperation, OutboxStatus

    UpstreamLink.objects.all().delete()
    UpstreamLink.objects.create(url="https://upstream.example.cn")
    OutboxEntry.objects.all().delete()
    states = {
        OutboxStatus.PENDING: 3,
        OutboxStatus.FAILED: 2,
        OutboxStatus.STOPPED: 1,
        OutboxStatus.WAITING_DATA: 4,
        OutboxStatus.SENT: 5,
    }
    OutboxEntry.objects.bulk_create(
        OutboxEntry(
            operation=OutboxOperation.CREATE, handle=f"88.101.ALPHA/{status}-{i}", status=status, payload={}
        )
        for status, n in states.items()
        for i in range(n)
    )
    park_client.force_login(park_admin)

    page = park_client.get("/sync/").content.decode()

    assert 'data-test="pending">3<' in page
    assert 'data-test="failed">3<' in page  # failed and stopped together
    assert 'data-test="waiting-data">4<' in page
