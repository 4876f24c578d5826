"""The monthly filing JSON is the reports app's (apps.reports.filing.monthly_filing_build) and is
what the sync app hands out for submission to the top-level node."""

import json

import pytest
from django.utils import timezone

from apps.reports.filing import monthly_filing_build
from apps.sync.adapters import national_filing_build
from tests.reports import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


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
    # when, as a reader writes it (not a raw 2026-11-24 01:05:00.123+00:00)
    from apps.reports.formatting import cn_datetime

    assert f"该月度报备已于 {cn_datetime(filing.submitted_at)} 标记为已报送" in response.content.decode()
    filing.refresh_from_db()
    assert filing.upstream_response == "已受理 #2026-11"
    assert AuditEntry.objects.filter(action="filing.submit").count() == 1


def test_a_submitted_filing_is_never_regenerated_or_replaced(park, enterprise_a, park_client, park_admin):
    from apps.core.errors import ApplicationError
    from apps.reports.choices import FilingStatus, ReportKind, ReportStatus
    from apps.reports.filing import month_bounds
    from apps.reports.models import FilingReport, Report
    from apps.reports.services import (
        filing_mark_submitted,
        monthly_filing_prepare,
        report_generate,
        report_mark_failed,
        report_request,
    )

    version = builders.template_version()
    builders.identifiers(enterprise_a, 3, version=version)
    first, last = month_bounds(f"{timezone.localdate():%Y-%m}")
    report = Report.objects.create(kind=ReportKind.MONTHLY_FILING, period_start=first, period_end=last)
    report_generate(report_id=report.pk)
    filing_mark_submitted(report=report, user=park_admin, upstream_response="已受理")
    report.refresh_from_db()
    sent_file, sent_body = report.file.name, FilingReport.objects.get(pk=report.filings.get().pk).body
    builders.identifiers(enterprise_a, 4, version=version, start=100)  # the month goes on after sending

    # A new request for the month is refused with a field error, and no report row is made ...
    park_client.force_login(park_admin)
    response = park_client.post(
        "/reports/", {"kind": ReportKind.MONTHLY_FILING, "period_start": first, "period_end": last}
    )
    assert response.status_code == 200
    assert f"{first.year}年{first.month}月 的月度报备已于" in response.content.decode()
    assert "不能重新生成或替换" in response.content.decode()
    assert Report.objects.count() == 1
    with pytest.raises(ApplicationError):
        report_request(kind=ReportKind.MONTHLY_FILING, period_start=first, period_end=last, user=park_admin)

    # ... a report requested before the submission fails when its turn comes, and the beat's
    # prepare and a re-run of the submitted report itself are refused the same way.
    late = Report.objects.create(kind=ReportKind.MONTHLY_FILING, period_start=first, period_end=last)
    for run in (
        lambda: report_generate(report_id=late.pk),
        lambda: monthly_filing_prepare(month=first),
        lambda: report_generate(report_id=report.pk),
    ):
        with pytest.raises(ApplicationError, match="报送上级节点，不能重新生成或替换"):
            run()
    report_mark_failed(report_id=report.pk, error="refused")  # what the task does after a refusal
    report_mark_failed(report_id=late.pk, error="refused")

    filing = FilingReport.objects.get(period_start=first)
    assert filing.status == FilingStatus.SUBMITTED and filing.report_id == report.pk
    assert filing.body == sent_body and filing.body["sla"]["registrations"] == 3
    report.refresh_from_db()
    assert (report.status, report.file.name) == (ReportStatus.READY, sent_file)
    assert Report.objects.get(pk=late.pk).status == ReportStatus.FAILED
    body = json.loads(park_client.get(f"/reports/{report.pk}/filing.json").content)
    assert body["sla"]["registrations"] == 3
    assert park_client.get(f"/reports/{report.pk}/download/").status_code == 200
    report.file.delete(save=False)


def test_a_draft_filing_is_regenerated_in_place(park, enterprise_a):
    from apps.reports.models import FilingReport
    from apps.reports.services import monthly_filing_prepare

    version = builders.template_version()
    builders.identifiers(enterprise_a, 2, version=version)
    month = timezone.localdate().replace(day=1)
    report = monthly_filing_prepare(month=month)
    builders.identifiers(enterprise_a, 5, version=version, start=100)
    again = monthly_filing_prepare(month=month)
    filing = FilingReport.objects.get(period_start=month)
    assert again.pk == report.pk == filing.report_id
    assert filing.body["sla"]["registrations"] == 7
    again.file.delete(save=False)
