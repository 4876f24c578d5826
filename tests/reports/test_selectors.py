"""Figures of the report sections against data whose answers are known."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.reports import selectors
from apps.reports.models import ServiceEvent
from apps.resolution.models import ResolutionStat
from apps.sync.models import OutboxStatus
from tests.conftest import FROZEN_NOW
from tests.reports import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

TODAY = FROZEN_NOW.date()
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


def test_template_coverage_treats_null_and_empty_lists_as_empty(park, enterprise_a):
    from apps.identifiers.models import Identifier

    builders.identifiers(enterprise_a, 7, version=builders.template_version())
    name = {"index": 2000, "type": "name", "data": {"format": "string", "value": "设备"}}
    model = {
        "null": {"index": 2001, "type": "model", "data": {"format": "string", "value": None}},
        "[]": {"index": 2001, "type": "model", "data": {"format": "string", "value": []}},
        "no value": {"index": 2001, "type": "model", "data": {"format": "string"}},
        "a list": {"index": 2001, "type": "model", "data": {"format": "string", "value": ["M1", "M2"]}},
        "zero": {"index": 2001, "type": "model", "data": {"format": "string", "value": 0}},
    }
    rows = list(Identifier.objects.order_by("pk"))
    for row, values in zip(
        rows,
        [
            [name, model["null"]],
            [name, model["[]"]],
            [name, model["no value"]],
            [name],  # 型号 not there at all
            [name, model["a list"]],
            [name, model["zero"]],
        ],
        strict=False,
    ):
        Identifier.objects.filter(pk=row.pk).update(values=values)
    coverage = selectors.template_coverage(selectors.Scope(start=LAST_WEEK, end=TODAY))
    # filled: the list, the zero and the untouched 7th row
    assert (coverage["complete"], coverage["total"]) == (3, 7)


GRADED_ITEMS = [
    # 一级 3 (two public, one not), 二级 2, 三级 1 enabled; a disabled 三级 item that must not count
    {"name": "名称", "code": "name", "index": 2000, "grade": 1, "is_public": True, "required": True},
    {"name": "型号", "code": "model", "index": 2001, "grade": 1, "is_public": True, "required": False},
    {"name": "产线", "code": "line", "index": 2002, "grade": 1, "is_public": False, "required": False},
    {"name": "工艺", "code": "process", "index": 2003, "grade": 2, "is_public": False, "required": True},
    {"name": "客户", "code": "customer", "index": 2004, "grade": 2, "is_public": False, "required": False},
    {"name": "配方", "code": "recipe", "index": 2005, "grade": 3, "is_public": False, "required": True},
    {"name": "旧配方", "code": "old_recipe", "index": 2006, "grade": 3, "is_public": False, "required": False,
     "state": "disabled"},
]  # fmt: skip


def test_grading_spreads_published_items_and_stored_values_by_grade(park, enterprise_a, enterprise_b):
    """Items and values of each grade, registered through the registry service (restricted
    values land in the enterprise's schema with their grade), in a past month so no other
    template or identifier of the test database is counted."""
    from apps.identifiers.models import Identifier
    from apps.identifiers.services import identifier_register
    from apps.metadata.models import MetadataTemplate, TemplateVersion

    items = [{"item_type": "string", "state": "enabled", "constraints": {}, **item} for item in GRADED_ITEMS]
    template = MetadataTemplate.objects.create(
        code="rpt-graded", name="分级测试", level="park", category="manufacturing"
    )
    version = TemplateVersion.objects.create(
        template=template, number=1, status="published", published_at=timezone.now(), effective_items=items
    )
    builders.prefix_of(enterprise_a)
    full = {"name": "设备", "model": "M1", "line": "一线", "process": "P", "customer": "C", "recipe": "R"}
    registered = [
        identifier_register(actor=None, enterprise=enterprise_a, template_version=version, values=values)
        for values in (
            full,
            full,
            {**full, "model": ""},  # 一级 public value missing
            {**full, "customer": ""},  # 二级 value missing
            full,  # withdrawn within the period: its values do not count
        )
    ]
    in_january = timezone.make_aware(dt.datetime(2020, 1, 10))
    TemplateVersion.objects.filter(pk=version.pk).update(
        published_at=in_january - dt.timedelta(days=30), created_at=in_january - dt.timedelta(days=30)
    )
    Identifier.objects.filter(pk__in=[i.pk for i in registered]).update(created_at=in_january)
    Identifier.objects.filter(pk=registered[-1].pk).update(
        status="withdrawn", withdrawn_at=in_january + dt.timedelta(days=5)
    )
    january = selectors.Scope(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))

    grading = selectors.grading_coverage(january)
    by_grade = {row["grade"]: row for row in grading["by_grade"]}
    assert grading["templates"] == 1
    assert (grading["items"], grading["graded"], grading["share"]) == (6, 6, 1.0)
    assert [by_grade[g]["count"] for g in "123"] == [3, 2, 1]
    assert [by_grade[g]["share"] for g in "123"] == pytest.approx([3 / 6, 2 / 6, 1 / 6])
    # 4 active identifiers: 一级 name 4 + model 3 + line 4; 二级 process 4 + customer 3; 三级 recipe 4
    assert grading["values"] == 22
    assert [by_grade[g]["values"] for g in "123"] == [11, 7, 4]
    assert [by_grade[g]["values_share"] for g in "123"] == pytest.approx([11 / 22, 7 / 22, 4 / 22])

    only_b = selectors.grading_coverage(
        selectors.Scope(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31), enterprise=enterprise_b)
    )
    assert only_b["items"] == 6 and only_b["values"] == 0  # the park's template, none of its values
    before = selectors.grading_coverage(
        selectors.Scope(start=dt.date(2019, 11, 1), end=dt.date(2019, 11, 30))
    )
    assert (before["items"], before["values"], before["share"]) == (0, 0, None)


def test_resolution_percentiles_from_summed_histograms(park):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    # 98 requests in the 1 ms bucket (index 2), 2 in the 100 ms bucket (index 15), in two rows:
    # the median is fast, the 99th percentile lands among the slow ones only if the rows are summed
    fast = [0, 0, 98] + [0] * 21
    slow = [0] * 15 + [2] + [0] * 8
    ResolutionStat.objects.create(
        hour=hour, prefix="88.101.alpha", count=98, not_found=4, latency_buckets=fast
    )
    ResolutionStat.objects.create(hour=hour, prefix="88.101.beta", count=2, latency_buckets=slow)
    figures = selectors.resolution_section(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert figures["total"] == 100
    assert figures["not_found"] == 4
    assert figures["p50"] == 1
    assert figures["p99"] == 100
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


def _probes(case, results: list[bool], day: dt.date) -> None:
    from apps.buildcases.models import MonitoringSnapshot

    at = timezone.make_aware(dt.datetime.combine(day, dt.time(3, 0)))
    for n, ok in enumerate(results):
        snapshot = MonitoringSnapshot.objects.create(case=case, probe_ok=ok, probe_url="https://node/")
        MonitoringSnapshot.objects.filter(pk=snapshot.pk).update(taken_at=at + dt.timedelta(minutes=5 * n))


def test_availability_takes_the_lower_of_interruptions_and_probes_and_says_which(
    park, park_admin, enterprise_a, enterprise_b
):
    from apps.buildcases import services as buildcases
    from apps.core.pdf import render_html
    from apps.reports.filing import monthly_filing_build
    from apps.reports.rendering import filing_context

    scope = selectors.Scope(start=TODAY, end=TODAY)
    ServiceEvent.objects.create(
        kind="emergency", title="机房断电", started_at=scope.since + dt.timedelta(hours=1),
        ended_at=scope.since + dt.timedelta(hours=1, minutes=144), service_interrupted=True,
    )  # fmt: skip
    assert selectors.availability_detail(scope)["basis"] == "events"  # no probe yet
    park_case = buildcases.case_create(actor=park_admin, title="园区二级节点", mode="secondary")
    _probes(park_case, [True, True, True, True], TODAY)
    detail = selectors.availability_detail(scope)
    assert (detail["value"], detail["basis"]) == (pytest.approx(0.9), "events")  # probes all good
    assert (detail["probes"], detail["probes_ok"]) == (4, 4)

    _probes(park_case, [False, False, False, True], TODAY)  # 5 of 8 succeeded: lower than 0.9
    _probes(park_case, [False] * 5, TODAY - dt.timedelta(days=1))  # the day before: outside
    detail = selectors.availability_detail(scope)
    assert (detail["value"], detail["basis"]) == (pytest.approx(5 / 8), "probes")
    assert detail["events_share"] == pytest.approx(0.9)
    assert selectors.availability(scope) == pytest.approx(5 / 8)

    # An enterprise's report counts the park node's probes and its own cases', not another's.
    other = buildcases.case_create(
        actor=park_admin, title="乙企业节点", mode="enterprise", enterprise=enterprise_b
    )
    _probes(other, [False] * 8, TODAY)
    only_a = selectors.availability_detail(selectors.Scope(start=TODAY, end=TODAY, enterprise=enterprise_a))
    assert (only_a["probes"], only_a["probes_ok"]) == (8, 5)
    assert selectors.availability_detail(scope)["probes"] == 16

    # The monthly filing carries the figure with its basis, and its PDF says which it is.
    body = monthly_filing_build(TODAY)
    assert body["sla"]["availability_basis"] == "probes"
    month_probes = 16 + 5  # the day before is in the same month
    assert (body["sla"]["availability_probes"], body["sla"]["availability_probes_ok"]) == (month_probes, 5)
    html = render_html("reports/pdf/filing.html", filing_context(body, title="月度报备"))
    share = f"{100 * 5 / month_probes:.1f}%"
    assert f"服务可用性按监测探测成功率计算：本期探测 {month_probes} 次，成功 5 次（{share}）" in html


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


def test_lists_cut_to_their_first_rows_say_how_many_of_how_many(park, park_admin, enterprise_a, monkeypatch):
    from apps.core.pdf import render_html
    from apps.identifiers.models import Prefix
    from apps.reports.rendering import evaluation_context

    for code in ("ALPHA", "ALPHA2", "ALPHA3"):
        Prefix.objects.create(prefix=f"88.101.{code}", enterprise=enterprise_a, status="active")
    for n in range(3):
        builders.outbox(f"88.101.ALPHA/e{n}", status=OutboxStatus.FAILED)
    builders.build_cases(park_admin, enterprise_a)  # 2 cases, 2 stage decisions
    monkeypatch.setattr(selectors, "PREFIXES_SHOWN", 2)
    monkeypatch.setattr(selectors, "SYNC_ERRORS_SHOWN", 2)
    monkeypatch.setattr(selectors, "CASES_SHOWN", 1)
    monkeypatch.setattr(selectors, "DECISIONS_SHOWN", 1)

    scope = selectors.Scope(start=LAST_WEEK, end=TODAY, enterprise=enterprise_a)
    data = selectors.report_data(scope)
    assert (len(data["identifiers"]["prefixes"]), data["identifiers"]["prefix_count"]) == (2, 3)
    html = render_html("reports/pdf/evaluation.html", evaluation_context(data, title="企业标识报告"))
    assert "88.101.ALPHA2" in html and "88.101.ALPHA3" not in html
    assert html.count("显示 2 条，共 3 条") == 1  # the prefixes

    park_data = selectors.report_data(selectors.Scope(start=LAST_WEEK, end=TODAY))
    assert (len(park_data["sync"]["recent_errors"]), park_data["sync"]["errors_total"]) == (2, 3)
    assert (len(park_data["buildcases"]["cases"]), park_data["buildcases"]["total"]) == (1, 2)
    assert (len(park_data["buildcases"]["decisions"]), park_data["buildcases"]["decisions_total"]) == (1, 2)
    html = render_html("reports/pdf/evaluation.html", evaluation_context(park_data, title="园区报告"))
    assert html.count("显示 2 条，共 3 条") == 1  # the sync errors
    assert html.count("显示 1 条，共 2 条") == 2  # cases and decisions

    for name in ("PREFIXES_SHOWN", "SYNC_ERRORS_SHOWN", "CASES_SHOWN", "DECISIONS_SHOWN"):
        monkeypatch.setattr(selectors, name, 10)
    park_data = selectors.report_data(selectors.Scope(start=LAST_WEEK, end=TODAY))
    html = render_html("reports/pdf/evaluation.html", evaluation_context(park_data, title="园区报告"))
    assert "显示" not in html  # nothing cut, nothing said
