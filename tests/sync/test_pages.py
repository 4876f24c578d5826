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
    assert isinstance(body, dict) and body


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
