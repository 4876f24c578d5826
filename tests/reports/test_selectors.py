"""Figures of the report sections against data whose answers are known."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.reports import selectors
from apps.reports.models import ServiceEvent
from apps.resolution.models import ResolutionStat
from apps.sync.models import OutboxStatus
from tests.reports import builders

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_WEEK = TODAY - dt.timedelta(days=7)


@pytest.fixture
def registry(enterprise_a, enterprise_b):
    version = builders.template_version()
    old = timezone.now() - dt.timedelta(days=60)
    builders.identifiers(enterprise_a, 10, version=version, incomplete=3)
    builders.identifiers(enterprise_b, 5, version=version, category="logistics", created_at=old)
    return version


def test_identifier_counts_split_period_and_cumulative(registry, enterprise_a, enterprise_b):
    section = selectors.identifier_section(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert section["period"] == 10
    assert section["total"] == 15
    by_code = {row["code"]: row for row in section["by_enterprise"]}
    assert (by_code["ALPHA"]["period"], by_code["ALPHA"]["total"]) == (10, 10)
    assert (by_code["BETA"]["period"], by_code["BETA"]["total"]) == (0, 5)
    by_category = {row["category"]: row["total"] for row in section["by_category"]}
    assert by_category == {"manufacturing": 10, "logistics": 5}

    only_b = selectors.identifier_section(
        selectors.Scope(start=LAST_WEEK, end=TODAY, enterprise=enterprise_b)
    )
    assert (only_b["period"], only_b["total"]) == (0, 5)


def test_template_coverage_counts_identifiers_with_every_required_item_filled(registry, enterprise_a):
    coverage = selectors.template_coverage(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert (coverage["complete"], coverage["total"]) == (12, 15)
    assert coverage["share"] == pytest.approx(0.8)
    only_a = selectors.template_coverage(selectors.Scope(start=LAST_WEEK, end=TODAY, enterprise=enterprise_a))
    assert only_a["share"] == pytest.approx(0.7)


def test_grading_coverage_spreads_items_by_grade(registry):
    grading = selectors.grading_coverage(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert grading["items"] == 4
    assert grading["share"] == pytest.approx(1.0)
    assert {row["grade"]: row["count"] for row in grading["by_grade"]} == {"1": 3, "2": 1, "3": 0}


def test_resolution_percentiles_from_summed_histograms(park):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    # 99 requests in the 1 ms bucket (index 2), one in the 100 ms bucket (index 15)
    fast = [0, 0, 99] + [0] * 21
    slow = [0] * 15 + [1] + [0] * 8
    ResolutionStat.objects.create(
        hour=hour, prefix="88.101.alpha", count=99, not_found=4, latency_buckets=fast
    )
    ResolutionStat.objects.create(hour=hour, prefix="88.101.beta", count=1, latency_buckets=slow)
    figures = selectors.resolution_section(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert figures["total"] == 100
    assert figures["not_found"] == 4
    assert figures["p50"] == 1
    assert figures["p99"] == 1
    assert sum(n for _day, n in figures["daily"]) == 100


def test_availability_subtracts_interruptions(park):
    scope = selectors.Scope(start=TODAY, end=TODAY)
    ServiceEvent.objects.create(
        kind="maintenance",
        title="数据库升级",
        started_at=scope.since + dt.timedelta(hours=1),
        ended_at=scope.since + dt.timedelta(hours=1, minutes=144),
        service_interrupted=True,
    )
    assert selectors.availability(scope) == pytest.approx(0.9)


def test_sync_health(park):
    builders.outbox("88.101.ALPHA/a1", lag_seconds=30)
    builders.outbox("88.101.ALPHA/a2", lag_seconds=90)
    builders.outbox("88.101.ALPHA/a3", status=OutboxStatus.PENDING)
    builders.outbox("88.101.ALPHA/a4", status=OutboxStatus.FAILED)
    figures = selectors.sync_section(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert (figures["queued"], figures["sent"], figures["pending"], figures["failed"]) == (4, 2, 1, 1)
    assert figures["lag_avg_seconds"] == pytest.approx(60)
    assert figures["lag_max_seconds"] == pytest.approx(90)
    assert figures["recent_errors"][0]["last_error"] == "上级节点超时"


def test_security_baseline_reads_settings_and_verifies_the_audit_chain(park, settings):
    from apps.audit.services import audit_write

    audit_write(action="test.report", object_type="test")
    baseline = selectors.security_baseline()
    assert baseline["password_min_length"] == 10
    assert baseline["login_max_failures"] == settings.LOGIN_MAX_FAILURES
    assert baseline["session_idle_minutes"] == settings.SESSION_IDLE_TIMEOUT_MINUTES
    assert baseline["audit_ok"] is True
    assert baseline["audit_checked"] >= 1


def test_monthly_filing_body_and_its_pdf_for_a_month(registry, park):
    from apps.reports.filing import monthly_filing_build
    from apps.reports.models import FilingReport
    from apps.reports.services import monthly_filing_prepare

    month = TODAY.replace(day=1)
    body = monthly_filing_build(f"{month:%Y-%m}")
    assert body["period"]["start"] == month.isoformat()
    assert body["sla"]["registrations"] == 10
    assert body["sla"]["identifiers_total"] == 15
    assert 0 <= body["operation"]["operating_hours"] <= 31 * 24  # the test park opened moments ago
    assert body["maintenance"] == [] and body["emergencies"] == []

    report = monthly_filing_prepare(month=month)
    again = monthly_filing_prepare(month=month)  # safe to run twice: same rows, regenerated
    assert again.pk == report.pk and report.pages >= 1
    assert FilingReport.objects.get(period_start=month).body["sla"]["registrations"] == 10
    report.file.delete(save=False)


def test_buildcase_section_counts_stages_modes_items_and_decisions(park, park_admin, enterprise_a):
    park_case, enterprise_case = builders.build_cases(park_admin, enterprise_a)
    section = selectors.buildcase_section(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert (section["total"], section["active"], section["completed"]) == (2, 2, 0)
    assert section["modes"] == ["园区型二级节点", "园区型企业节点"]
    grid = {row["code"]: row["by_mode"] for row in section["by_stage"]}
    assert grid["demand"] == [0, 1] and grid["planning"] == [1, 0] and grid["promotion"] == [0, 0]
    cases = {row["title"]: row for row in section["cases"]}
    park_row = cases["报告测试二级节点"]
    assert park_row["stage"] == "规划" and park_row["subject"] == "园区"
    assert (park_row["stage_done"], park_row["stage_required"]) == (0, 3)
    assert (park_row["required_done"], park_row["required_total"]) == (2, 5)
    ent_row = cases["报告测试企业节点"]
    assert ent_row["subject"] == enterprise_a.name
    assert (ent_row["stage_done"], ent_row["stage_required"]) == (0, 2)
    assert (section["items_done"], section["items_required"]) == (2, 7)
    assert (section["decisions_approved"], section["decisions_sent_back"]) == (1, 1)
    assert [d["decision"] for d in section["decisions"]] == ["退回", "批准进入下一阶段"]
    assert section["decisions"][0]["reason"] == "需求说明不完整"

    only_a = selectors.buildcase_section(selectors.Scope(start=LAST_WEEK, end=TODAY, enterprise=enterprise_a))
    assert only_a["total"] == 1 and [d["case"] for d in only_a["decisions"]] == ["报告测试企业节点"]
    long_ago = selectors.buildcase_section(
        selectors.Scope(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    )
    assert long_ago["total"] == 0 and long_ago["decisions"] == []
