"""The reports demo data (called by ``manage.py load_demo``) loads once."""

import datetime as dt
from io import StringIO

import pytest
from django.utils import timezone

from apps.reports import demo
from apps.reports.filing import monthly_filing_build, previous_month
from apps.reports.models import ServiceEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def rows():
    return list(ServiceEvent.objects.order_by("pk").values())


def test_demo_maintenance_window_is_loaded_once(park):
    demo.load(StringIO())
    first = rows()
    assert len(first) == 1 and first[0]["title"] == demo.DEMO_MAINTENANCE_TITLE

    out = StringIO()
    demo.load(out)
    assert rows() == first
    assert "nothing changed" in out.getvalue()
    # it is last month's, so the demo's monthly filing lists it
    filing = monthly_filing_build(previous_month())
    assert [m["title"] for m in filing["maintenance"]] == [demo.DEMO_MAINTENANCE_TITLE]


def test_demo_keeps_a_window_loaded_in_an_earlier_month(park):
    long_ago = timezone.now() - dt.timedelta(days=200)
    ServiceEvent.objects.create(
        kind="maintenance", title=demo.DEMO_MAINTENANCE_TITLE, started_at=long_ago, ended_at=long_ago
    )
    before = rows()
    demo.load(StringIO())
    assert rows() == before
