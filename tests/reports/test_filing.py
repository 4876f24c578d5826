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


def test_the_filing_report_offers_its_json_and_is_marked_submitted_once(
    park, enterprise_a, park_client, park_admin, park_auditor
):
    from apps.audit.models import AuditEntry
    from apps.reports.choices import FilingStatus, ReportKind
    from apps.reports.filing import month_bounds
    from apps.reports.models import FilingReport, Report
    from apps.reports.services import report_generate

    builders.identifiers(enterprise_a, 3, version=builders.template_version())
    first, last = month_bounds(f"{timezone.localdate():%Y-%m}")
    report = Report.objects.create(kind=ReportKind.MONTHLY_FILING, period_start=first, period_end=last)
    report_generate(report_id=report.pk)
    filing = FilingReport.objects.get(report=report)
    assert filing.status == FilingStatus.DRAFT

    # The auditor reads the filing and downloads its JSON (the figures the PDF prints) ...
    park_client.force_login(park_auditor)
    page = park_client.get(f"/reports/{report.pk}/").content.decode()
    assert f"/reports/{report.pk}/filing.json" in page and "标记为已报送" not in page
    body = json.loads(park_client.get(f"/reports/{report.pk}/filing.json").content)
    assert body["sla"]["registrations"] == 3 == filing.body["sla"]["registrations"]
    # ... but only a park administrator records the submission.
    assert park_client.post(f"/reports/{report.pk}/submit/").status_code == 403

    park_client.force_login(park_admin)
    assert "标记为已报送" in park_client.get(f"/reports/{report.pk}/").content.decode()
    park_client.post(f"/reports/{report.pk}/submit/", {"upstream_response": "已受理 #2026-11"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.submitted_at is not None
    assert filing.upstream_response == "已受理 #2026-11"
    assert AuditEntry.objects.filter(action="filing.submit", object_id=str(filing.pk)).count() == 1

    # Twice is refused with a message, and changes nothing.
    response = park_client.post(f"/reports/{report.pk}/submit/", {"upstream_response": "x"}, follow=True)
    assert "已标记为已报送" in response.content.decode()
    filing.refresh_from_db()
    assert filing.upstream_response == "已受理 #2026-11"
    assert AuditEntry.objects.filter(action="filing.submit").count() == 1
