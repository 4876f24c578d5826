"""The one PDF path (apps.core.pdf and its core/pdf/base.html) that the reports and the label
sheets share: the CJK font is found and embedded, pages carry header and counter, long tables
repeat their header row."""

import pytest
from django.core.checks import run_checks
from django.template import Context, Template

from apps.core import pdf
from tests.reports import pdfcheck

LONG_TABLE = Template(
    """{% extends "core/pdf/base.html" %}
{% block body %}<h1 class="doctitle">标识标签清单</h1><p class="docsubject">智联精密</p>
<table><thead><tr><th>标识编码</th><th>名称</th></tr></thead><tbody>
{% for n in rows %}<tr><td>88.101.ZLJM/man{{ n }}</td><td>数控机床 {{ n }} 号</td></tr>{% endfor %}
</tbody></table>{% endblock %}"""
)


def render(rows: int) -> bytes:
    context = {"rows": range(rows), "cjk_font_css": pdf.cjk_font_css(), "cjk_font_family": pdf.FONT_FAMILY}
    return pdf.html_to_pdf(LONG_TABLE.render(Context(context)))


def test_cjk_font_resolves_from_the_system_and_is_named_by_file():
    regular, bold = pdf.font_path(), pdf.font_path(bold=True)
    assert regular is not None and regular.exists() and "CJK" in regular.name
    assert bold is not None and bold.exists()
    assert regular.as_uri() in pdf.cjk_font_css()
    # fontconfig finds it too (the fallback for other distributions' layouts)
    assert "CJK" in pdf._fontconfig_path(False).name
    assert not [message for message in run_checks() if message.id == "reports.W001"]


def test_shared_base_embeds_the_font_and_repeats_table_headers_on_every_page():
    document = render(150)
    pages = pdfcheck.page_count(document)
    assert pages >= 3
    text = pdfcheck.text(document)
    assert text.count("标识编码 名称") == pages  # the header row on every page
    assert text.replace(" ", "").count("页/共") == pages
    assert f"第 {pages} 页 / 共 {pages} 页".replace(" ", "") in text.replace(" ", "")
    assert text.count("标识标签清单") >= pages  # running header from .doctitle
    assert "数控机床 149 号" in text
    fonts = pdfcheck.embedded_fonts(document)
    assert fonts and all(fonts.values()), fonts
    assert pdfcheck.ink_ratio(document, page=2) > 0.005


@pytest.fixture
def no_cjk_font(monkeypatch, settings, tmp_path):
    settings.PDF_CJK_FONT_DIR = str(tmp_path)  # an empty folder
    monkeypatch.setattr(pdf, "FONT_DIRS", [])
    monkeypatch.setattr(pdf, "_fontconfig_path", lambda bold: None)


def test_without_a_cjk_font_no_pdf_of_empty_boxes_is_made(no_cjk_font):
    with pytest.raises(pdf.PdfFontMissing, match="未找到中文字体（Noto Sans CJK）") as refused:
        render(3)
    assert "fonts-noto-cjk" in refused.value.message
    assert [message.id for message in run_checks() if message.id == "reports.W001"] == ["reports.W001"]


@pytest.mark.django_db
def test_a_report_without_the_font_fails_with_the_reason(no_cjk_font, park):
    from django.utils import timezone

    from apps.reports.choices import ReportKind, ReportStatus
    from apps.reports.models import Report
    from apps.reports.services import report_generate, report_mark_failed

    today = timezone.localdate()
    report = Report.objects.create(kind=ReportKind.PARK_EVALUATION, period_start=today, period_end=today)
    with pytest.raises(pdf.PdfFontMissing) as refused:
        report_generate(report_id=report.pk)
    report_mark_failed(report_id=report.pk, error=refused.value.message)  # as the task does
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.file
    assert "未找到中文字体" in report.error


def test_chart_labels_ask_for_the_pdf_font_family_first():
    from apps.core import charts

    svg = charts.bar_chart([("道路设施", 3)], title="按类别")
    assert f"font-family=\"'{pdf.FONT_FAMILY}','Noto Sans CJK SC'" in svg
