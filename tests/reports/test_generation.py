"""Reports generated on a real Celery worker, downloaded, and read back."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from apps.audit.services import audit_write
from apps.identifiers.models import Identifier
from apps.reports.choices import ReportKind, ReportStatus
from apps.reports.formatting import cn_datetime
from apps.reports.models import FilingReport, Report, ServiceEvent
from apps.resolution.models import ResolutionStat
from apps.sync.models import OutboxStatus
from apps.tenants.models import Enterprise
from tests.conftest import FROZEN_NOW, wait_for
from tests.reports import builders, pdfcheck

# The test process runs on the frozen clock, so every row it writes and every period it asks for
# is fixed; the worker renders on the real one (later), which changes only the printed
# generation time, read back from the report.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.worker,
    pytest.mark.usefixtures("frozen_clock"),
]

TODAY = FROZEN_NOW.date()
START = TODAY.replace(day=1)
PARK_SECTIONS = [
    "一、园区概况与节点模式", "二、入园企业", "三、标识注册", "四、模板覆盖与数据分级", "五、标识解析与服务可用性",
    "六、数据同步", "七、实施流程（建设案例）", "八、标识+终端认证", "九、数据上链与数据可信（可信存证）",
    "十、数字身份管理（BID 映射）", "十一、安全基线", "十二、签章",
]  # fmt: skip  (八, 九, 十: the sections apps.terminals, apps.evidence and apps.bid register through apps.reports.sections)
FILING_SECTIONS = ["一、节点信息", "二、运营时长", "三、SLA 指标", "四、服务维护", "五、紧急情况", "六、签章"]


@pytest.fixture
def demo(enterprise_a, enterprise_b):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(industry_code="C3911")
    Enterprise.objects.filter(pk=enterprise_b.pk).update(industry_code="G5990")
    version = builders.template_version()
    builders.identifiers(enterprise_a, 120, version=version, incomplete=6)
    long_ago = timezone.now() - dt.timedelta(days=90)
    builders.identifiers(enterprise_b, 30, version=version, category="logistics", created_at=long_ago)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    ResolutionStat.objects.create(
        hour=hour, prefix="88.101.alpha", enterprise=enterprise_a, count=12345, not_found=45,
        latency_buckets=[0, 0, 12000, 300, 0, 0, 0, 0, 0, 0, 45] + [0] * 13,
    )  # fmt: skip
    builders.outbox("88.101.ALPHA/man00000001", lag_seconds=20)
    builders.outbox("88.101.ALPHA/man00000002", status=OutboxStatus.FAILED)
    ServiceEvent.objects.create(
        kind="maintenance", title="数据库例行维护", started_at=timezone.now() - dt.timedelta(minutes=30),
        ended_at=timezone.now() - dt.timedelta(minutes=20), service_interrupted=False,
    )  # fmt: skip
    audit_write(action="test.demo", object_type="test")
    yield
    for report in Report.objects.all():
        if report.file:
            report.file.delete(save=False)


def _generated(client, data) -> tuple[Report, bytes]:
    before = set(Report.objects.values_list("pk", flat=True))
    response = client.post("/reports/", data)
    assert response.status_code == 302, response.content[:2000]
    report = Report.objects.exclude(pk__in=before).get()
    wait_for(
        lambda: Report.objects.filter(pk=report.pk).exclude(status=ReportStatus.PENDING).exists(), timeout=120
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    download = client.get(f"/reports/{report.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    return report, b"".join(download.streaming_content)


def test_park_evaluation_report_matches_the_database(demo, celery_worker, park_client, park_admin):
    builders.build_cases(park_admin, Enterprise.objects.get(code="ALPHA"))
    park_client.force_login(park_admin)
    report, pdf = _generated(
        park_client, {"kind": ReportKind.PARK_EVALUATION, "period_start": START, "period_end": TODAY}
    )
    text = pdfcheck.text(pdf)

    total = Identifier.objects.count()
    in_period = Identifier.objects.filter(created_at__date__gte=START).count()
    assert (total, in_period) == (150, 120)
    assert f"本期新增注册标识 {in_period} 个" in text
    assert f"累计有效标识 {total} 个" in text
    assert "ALPHA 120 120" in text and "BETA 0 30" in text
    assert "生产制造 120 120" in text and "物流设备 0 30" in text
    assert "C3911 1 1" in text and "G5990 1 1" in text
    assert "144 / 150 个有效标识的必填数据项均已填写" in text  # 6 of alpha's miss 型号
    assert "12,345（1.2万）" in text
    assert "解析时延 p99 1.5 ms" in text
    assert "本期已同步 1" in text and "当前失败/停止 1" in text
    assert "连续失败 5 次锁定 15 分钟" in text
    assert "校验通过" in text
    assert "数据库例行维护" in text
    # the contents give each section the page its heading is on
    toc = pdfcheck.toc_pages(pdf, PARK_SECTIONS)
    assert all(printed == actual for printed, actual in toc.values()), toc
    assert [printed for printed, _actual in toc.values()] == sorted(printed for printed, _a in toc.values())
    assert toc["一、园区概况与节点模式"][0] >= 3 and toc["十二、签章"][0] > toc["四、模板覆盖与数据分级"][0]
    # 七、实施流程: the two cases made through apps.buildcases.services
    assert "截至期末共有建设案例 2 个，其中进行中 2 个、已完成 0 个" in text
    assert "必需检查项已完成 2 / 7 项" in text and "本期阶段批准 1 次、退回 1 次" in text
    assert "阶段 园区型二级节点 园区型企业节点 合计 需求 0 1 1 规划 1 0 1 建设 0 0 0" in text
    # (pdftotext reads wrapped table cells column-wise, so the case rows are checked by their tails)
    assert "报告测试二级节点" in text and "规划 0/3 2/5 进行中" in text and "需求 0/2 0/2 进行中" in text
    assert "报告测试企业节点 需求 退回 需求 park_admin 需求说明不完整" in text
    assert "报告测试二级节点 需求 批准进入下一阶段 规划 park_admin 材料齐全" in text
    generated = timezone.localtime(report.generated_at)
    assert f"{generated.year}年{generated.month}月{generated.day}日" in text
    pages = pdfcheck.page_count(pdf)
    assert pages == report.pages >= 4
    assert f"第 {pages} 页 / 共 {pages} 页".replace(" ", "") in text.replace(" ", "")

    fonts = pdfcheck.embedded_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    assert any("CJK" in name for name in fonts)
    assert pdfcheck.ink_ratio(pdf, page=3) > 0.005  # glyphs drawn, not an empty page of boxes
    assert report.summary["audit_ok"] is True


def test_enterprise_report_is_downloadable_by_its_admin_only(
    demo, celery_worker, tenant_client, enterprise_a, enterprise_b, admin_a, admin_b
):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    report, pdf = _generated(client, {"period_start": START, "period_end": TODAY})
    assert report.kind == ReportKind.ENTERPRISE and report.enterprise_id == enterprise_a.pk
    text = pdfcheck.text(pdf)
    assert "企业标识报告" in text and enterprise_a.name in text
    assert "本期新增注册标识 120 个" in text and "累计有效标识 120 个" in text
    assert "114 / 120" in text
    assert "88.101.ALPHA" in text and "BETA" not in text

    other = tenant_client(enterprise_b)
    other.force_login(admin_b)
    assert other.get(f"/reports/{report.pk}/download/").status_code == 404
    assert "企业标识报告" not in other.get("/reports/").content.decode()


def test_an_english_speaking_admin_gets_an_english_enterprise_report(
    demo, celery_worker, tenant_client, enterprise_a, admin_a
):
    client = tenant_client(enterprise_a)
    client.cookies["django_language"] = "en"
    client.force_login(admin_a)
    report, pdf = _generated(client, {"period_start": START, "period_end": TODAY})
    assert report.language == "en"  # the worker wrote it in the requester's language
    text = pdfcheck.text(pdf)
    assert "Enterprise identifier report" in text and "企业标识报告" not in text
    assert "Contents" in text and "Period" in text and "Generated on" in text
    assert "Template coverage" in text and "Identifier prefix" in text
    assert f"{START:%Y}" in text and " to " in text  # the period, "… to …"
    assert "88.101.ALPHA" in text and enterprise_a.name in text
    pages = pdfcheck.page_count(pdf)
    assert pages == report.pages >= 3
    # the same report asked for in Chinese stays Chinese
    client.cookies["django_language"] = "zh-hans"
    chinese, pdf = _generated(client, {"period_start": START, "period_end": TODAY})
    assert chinese.language == "zh-hans" and "企业标识报告" in pdfcheck.text(pdf)


def test_monthly_filing_pdf_beside_its_json(demo, celery_worker, park_client, park_admin):
    park_client.force_login(park_admin)
    report, pdf = _generated(
        park_client, {"kind": ReportKind.MONTHLY_FILING, "period_start": TODAY, "period_end": TODAY}
    )
    assert (report.period_start, report.period_end.month) == (START, START.month)
    filing = FilingReport.objects.get(period_start=START)
    assert filing.report_id == report.pk
    assert filing.body["sla"]["registrations"] == 120
    assert filing.body["sla"]["resolutions"] == 12345
    assert filing.body["maintenance"][0]["title"] == "数据库例行维护"
    text = pdfcheck.text(pdf)
    assert "二级节点月度报备" in text
    assert "本月标识注册量 120" in text and "本月解析量 12,345" in text
    assert "本月无紧急情况" in text
    # maintenance times as a reader writes them, not ISO strings
    window = ServiceEvent.objects.get(title="数据库例行维护")
    started, ended = cn_datetime(window.started_at), cn_datetime(window.ended_at)
    assert f"数据库例行维护 {started} {ended} 10.0 否" in text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text) and "+08:00" not in text
    toc = pdfcheck.toc_pages(pdf, FILING_SECTIONS)
    assert all(printed == actual for printed, actual in toc.values()), toc
    pages = pdfcheck.page_count(pdf)
    assert pages == report.pages >= 2
    assert f"第 {pages} 页 / 共 {pages} 页".replace(" ", "") in text.replace(" ", "")
    fonts = pdfcheck.embedded_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    assert any("CJK" in name for name in fonts)
    assert pdfcheck.ink_ratio(pdf, page=2) > 0.005  # glyphs drawn, not a page of empty boxes


def test_report_of_an_empty_period_says_so(celery_worker, park_client, park_admin, park):
    park_client.force_login(park_admin)
    report, pdf = _generated(
        park_client,
        {"kind": ReportKind.PARK_EVALUATION, "period_start": "2020-01-01", "period_end": "2020-01-31"},
    )
    text = pdfcheck.text(pdf)
    assert "2020年1月1日至2020年1月31日" in text
    # the notice wraps over lines; compare without the spaces pdftotext puts at line breaks
    assert "内无新增标识注册、标识解析、数据同步或企业入园记录" in text.replace(" ", "")
    assert "本期无解析数据（无数据）" in text
    assert report.summary["is_empty"] is True
    report.file.delete(save=False)


# ---------------------------------------------------------------- on the demo park


@pytest.fixture
def demo_park(park):
    """``manage.py load_demo`` committed (the worker reads it); the demo enterprises' schemas
    are dropped afterwards, since a flush keeps schemas."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from apps.tenants import demo_data
    from apps.tenants.services import schema_name_for

    call_command("load_demo", stdout=StringIO())
    yield
    for report in Report.objects.all():
        if report.file:
            report.file.delete(save=False)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for *_head, code, _industry, _address, _contact, _phone, _email in demo_data.ENTERPRISES:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name_for(code)}" CASCADE')


def _complete(identifier) -> bool:
    """Every required public 一级 item of its template version has a non-empty value (the rule
    of 模板覆盖率, checked here row by row in Python, independently of the selector's SQL)."""
    filled = {
        value.get("index")
        for value in identifier.values
        if (value.get("data") or {}).get("value") not in (None, "", [])
    }
    required = {
        item["index"]
        for item in identifier.template_version.effective_items
        if item.get("required")
        and item.get("state", "enabled") != "disabled"
        and item.get("is_public", True)
        and int(item.get("grade") or 1) == 1
    }
    return required <= filled


def _grades_of_the_demo() -> tuple[dict[int, int], dict[int, int]]:
    """{grade: enabled items} of each template's latest published version, and {grade: filled
    values} of the active identifiers (public item values are 一级; restricted ones carry their
    grade in the enterprise's data schema), counted row by row in Python."""
    from collections import Counter

    from django_tenants.utils import schema_context

    from apps.enterprise_data.models import RestrictedValues
    from apps.enterprise_data.services import data_schema_name
    from apps.metadata.models import MetadataTemplate

    items: Counter = Counter()
    for template in MetadataTemplate.objects.all():
        version = template.versions.filter(status="published").order_by("-number").first()
        for item in version.effective_items if version else []:
            if item.get("state", "enabled") != "disabled":
                items[int(item["grade"])] += 1
    values: Counter = Counter()
    active = Identifier.objects.filter(status="active")
    for row in active.values_list("values", flat=True):
        values[1] += sum(
            1 for v in row if v["index"] >= 2000 and v["data"].get("value") not in (None, "", [])
        )
    active_ids = set(active.values_list("pk", flat=True))
    for enterprise in Enterprise.objects.all():
        with schema_context(data_schema_name(enterprise)):
            try:
                rows = list(RestrictedValues.objects.values_list("identifier_id", "values"))
            except Exception:  # no data schema (never registered anything)
                continue
        for identifier_id, row in rows:
            if identifier_id in active_ids:
                for v in row:
                    if v["data"].get("value") not in (None, "", []):
                        values[int(v["grade"])] += 1
    return dict(items), dict(values)


def test_reports_of_the_demo_park_print_the_database_figures(
    demo_park, celery_worker, park_client, tenant_client
):
    from apps.accounts.models import User
    from apps.buildcases.models import BuildCase
    from apps.identifiers.models import Prefix
    from apps.metadata.choices import Grade
    from apps.reports import demo as reports_demo
    from apps.reports.formatting import cn_datetime, percent, thousands
    from apps.tenants.choices import EnterpriseStatus

    first_of_last_month = (START - dt.timedelta(days=1)).replace(day=1)
    identifiers = Identifier.objects.select_related("template_version")
    total = identifiers.filter(status="active").count()
    assert total >= 100  # the demo registered its objects
    enterprises = Enterprise.objects.filter(is_park_operator=False)
    park_admin = User.objects.get(username="park_admin")

    # The park evaluation report, last month to today (the demo's maintenance window is last month's)
    park_client.force_login(park_admin)
    report, pdf = _generated(
        park_client,
        {"kind": ReportKind.PARK_EVALUATION, "period_start": first_of_last_month, "period_end": TODAY},
    )
    text = pdfcheck.text(pdf)
    in_period = identifiers.filter(created_at__date__gte=first_of_last_month).count()
    assert f"本期新增注册标识 {thousands(in_period)} 个" in text
    assert f"累计有效标识 {thousands(total)} 个，标识前缀 {thousands(Prefix.objects.count())} 个" in text
    active = enterprises.filter(status=EnterpriseStatus.ACTIVE).count()
    assert f"截至期末园区共有入园企业 {enterprises.count()} 家，其中已开通 {active} 家" in text
    for enterprise in enterprises.filter(status=EnterpriseStatus.ACTIVE):
        n = identifiers.filter(enterprise=enterprise).count()
        if n:
            assert f"{enterprise.code} {thousands(n)} {thousands(n)}" in text, enterprise.code
    complete = sum(1 for identifier in identifiers.filter(status="active") if _complete(identifier))
    assert f"{thousands(complete)} / {thousands(total)} 个有效标识的必填数据项均已填写" in text
    assert report.summary["identifiers_total"] == total
    assert f"截至期末共有建设案例 {BuildCase.objects.count()} 个" in text
    items, values = _grades_of_the_demo()
    for grade, label in Grade.choices:
        n, m = items.get(grade, 0), values.get(grade, 0)
        row = f"{label} {thousands(n)} {percent(n, sum(items.values()))} {thousands(m)} {percent(m, sum(values.values()))}"
        assert row in text, row
    assert "每个数据项都必须确定数据分级" in text.replace(" ", "")
    window = ServiceEvent.objects.get(title=reports_demo.DEMO_MAINTENANCE_TITLE)
    assert f"{window.title} {cn_datetime(window.started_at)}" in text
    assert "校验通过" in text
    fonts = pdfcheck.embedded_fonts(pdf)
    assert fonts and all(fonts.values()), fonts

    # The report of 智联精密, by its administrator on its own domain
    zljm = Enterprise.objects.get(code__iexact="ZLJM")
    client = tenant_client(zljm)
    client.force_login(User.objects.get(username="zljm_admin"))
    report, pdf = _generated(client, {"period_start": first_of_last_month, "period_end": TODAY})
    text = pdfcheck.text(pdf)
    own = identifiers.filter(enterprise=zljm)
    assert zljm.name in text
    assert f"本期新增注册标识 {thousands(own.count())} 个" in text
    assert f"累计有效标识 {thousands(own.filter(status='active').count())} 个" in text
    own_complete = sum(1 for identifier in own.filter(status="active") if _complete(identifier))
    assert f"{thousands(own_complete)} / {thousands(own.count())} 个有效标识" in text
    for prefix in Prefix.objects.exclude(enterprise=zljm):
        assert prefix.prefix not in text
    assert Prefix.objects.get(enterprise=zljm).prefix in text

    # This month's filing
    report, pdf = _generated(
        park_client, {"kind": ReportKind.MONTHLY_FILING, "period_start": TODAY, "period_end": TODAY}
    )
    text = pdfcheck.text(pdf)
    month = identifiers.filter(created_at__date__gte=START).count()
    body = FilingReport.objects.get(period_start=START).body
    assert body["sla"]["registrations"] == month and body["sla"]["identifiers_total"] == total
    assert f"本月标识注册量 {thousands(month)}" in text
    assert f"累计有效标识 {thousands(total)}" in text
    assert f"已开通企业 {active}" in text
