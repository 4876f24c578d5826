"""The monthly filing JSON is the reports app's (apps.reports.filing.monthly_filing_build) and is
what the sync app hands out for submission to the top-level node."""

import json

import pytest
from django.utils import timezone

from apps.reports.filing import monthly_filing_build
from apps.sync.adapters import national_filing_build
from tests.reports import builders

pytestmark = pytest.mark.django_db


def without_clock(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "generated_at"} | {
        "operation": {k: v for k, v in body["operation"].items() if k != "operating_hours"}
    }


def test_sync_serves_the_reports_monthly_filing(park, enterprise_a, park_client, park_admin):
    builders.identifiers(enterprise_a, 7, version=builders.template_version())
    period = f"{timezone.localdate():%Y-%m}"
    expected = monthly_filing_build(period)
    assert expected["sla"]["registrations"] == 7 and expected["period"]["month"] == period

    assert without_clock(national_filing_build(period)) == without_clock(expected)

    park_client.force_login(park_admin)
    response = park_client.get(f"/sync/filing/?period={period}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="filing-{period}.json"'
    assert without_clock(json.loads(response.content)) == without_clock(expected)
