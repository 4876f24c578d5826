"""Writes of the reports app: request a report, generate it (the tracked task calls this),
record the monthly filing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.reports import formatting, rendering, selectors
from apps.reports.choices import FilingStatus, ReportKind, ReportStatus
from apps.reports.filing import month_bounds, monthly_filing_build
from apps.reports.models import FilingReport, Report
from apps.tenants.models import Enterprise

MAX_PERIOD_DAYS = 366


def _validate_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ApplicationError(
            _("结束日期不能早于开始日期"), errors={"period_end": [_("结束日期不能早于开始日期")]}
        )
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ApplicationError(
            _("报告期间最长一年"),
            errors={"period_end": [_("报告期间最长 %(n)s 天") % {"n": MAX_PERIOD_DAYS}]},
        )


def _submitted_error(filing: FilingReport) -> ApplicationError:
    message = _("%(month)s 的月度报备已于 %(when)s 报送上级节点，不能重新生成或替换") % {
        "month": formatting.cn_month(filing.period_start),
        "when": formatting.cn_datetime(filing.submitted_at),
    }
    return ApplicationError(message, errors={"period_start": [message]}, code="filing_submitted")


def filing_check_open(month: dt.date) -> None:
    """Refuse a new filing for a month whose filing the park has already submitted: what went
    to the top-level node stays as it was sent."""
    filing = FilingReport.objects.filter(period_start=month, status=FilingStatus.SUBMITTED).first()
    if filing is not None:
        raise _submitted_error(filing)


def report_request(
    *,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    user=None,
    enterprise: Enterprise | None = None,
    language: str | None = None,
) -> Report:
    """Create the report row and queue its generation as a tracked task. The PDF is written in
    ``language`` (default: the language active for the requester)."""
    from apps.reports.tasks import report_generate_task
    from apps.tasks.base import start_tracked

    if kind == ReportKind.MONTHLY_FILING:
        period_start, period_end = month_bounds(period_start)
    _validate_period(period_start, period_end)
    if kind == ReportKind.MONTHLY_FILING:
        with schema_context(get_public_schema_name()):
            filing_check_open(period_start)
    if kind == ReportKind.ENTERPRISE and enterprise is None:
        raise ApplicationError(_("企业报告须指定企业"), errors={"enterprise": [_("请选择企业")]})
    if kind != ReportKind.ENTERPRISE:
        enterprise = None
    with schema_context(get_public_schema_name()), transaction.atomic():
        report = Report(
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            enterprise=enterprise,
            created_by=user if user is not None and user.is_authenticated else None,
            language=_report_language(language),
        )
        report.full_clean(exclude=["file"])
        report.save()
        audit_write(
            action="report.request",
            object_type="reports.Report",
            object_id=report.pk,
            object_repr=str(report),
            after={"kind": kind, "period_start": period_start, "period_end": period_end},
        )
        run = start_tracked(report_generate_task, report.pk, title=str(report), user=user)
        report.task_run = run
        report.save(update_fields=["task_run", "updated_at"])
    return report


def _report_language(language: str | None) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in supported:
        try:
            language = translation.get_supported_language_variant(language)
        except LookupError:
            language = settings.LANGUAGE_CODE
    return language if language in supported else settings.LANGUAGE_CODE


def _title(report: Report) -> str:
    if report.kind == ReportKind.ENTERPRISE and report.enterprise_id:
        return _("企业标识报告")
    if report.kind == ReportKind.MONTHLY_FILING:
        return _("二级节点月度报备")
    return _("园区标识一体化评估报告")


def _filing_generate(report: Report, title: str, progress) -> tuple[bytes, dict]:
    """The month's filing body and PDF. The filing row stays locked until the report is saved,
    so it cannot be marked submitted halfway; a submitted filing is never rewritten."""
    filing, _created = FilingReport.objects.get_or_create(
        period_start=report.period_start, defaults={"period_end": report.period_end}
    )
    filing = FilingReport.objects.select_for_update().get(pk=filing.pk)
    if filing.status == FilingStatus.SUBMITTED:
        raise _submitted_error(filing)
    body = monthly_filing_build(report.period_start)
    filing.period_end = report.period_end
    filing.body = body
    filing.report = report
    filing.save(update_fields=["period_end", "body", "report", "updated_at"])
    progress(50, _("正在生成 PDF"))
    pdf = rendering.render_pdf("reports/pdf/filing.html", rendering.filing_context(body, title=title))
    summary = {
        "filing_id": filing.pk,
        "registrations": body["sla"]["registrations"],
        "resolutions": body["sla"]["resolutions"],
        "availability": body["sla"]["availability"],
    }
    return pdf, summary


def report_generate(*, report_id: int, progress: Callable[[int, str], None] | None = None) -> Report:
    """Compute the figures, render the PDF and store it on the report. Safe to run twice: a
    second run replaces the file and the figures (except a submitted monthly filing's, which
    is refused)."""
    progress = progress or (lambda percent, message="": None)
    with schema_context(get_public_schema_name()):
        report = Report.objects.select_related("enterprise").get(pk=report_id)
        # the worker speaks the requester's language for the whole document, not its own default
        with translation.override(report.language or settings.LANGUAGE_CODE):
            return _report_generate(report, progress)


def _report_generate(report: Report, progress) -> Report:
    title = _title(report)
    progress(10, _("正在汇总数据"))
    if report.kind == ReportKind.MONTHLY_FILING:
        with transaction.atomic():
            pdf, summary = _filing_generate(report, title, progress)
            _report_store(report, pdf, summary, progress)
        return report
    scope = selectors.Scope(
        start=report.period_start,
        end=report.period_end,
        enterprise=report.enterprise if report.kind == ReportKind.ENTERPRISE else None,
    )
    data = selectors.report_data(scope)
    progress(50, _("正在生成 PDF"))
    context = rendering.evaluation_context(data, title=title)
    pdf = rendering.render_pdf("reports/pdf/evaluation.html", context)
    summary = {
        "is_empty": data["is_empty"],
        "enterprises_total": data["enterprises"]["total"],
        "enterprises_active": data["enterprises"]["active"],
        "identifiers_total": data["identifiers"]["total"],
        "identifiers_period": data["identifiers"]["period"],
        "resolutions": data["resolution"]["total"],
        "coverage_share": data["coverage"]["share"],
        "grading_share": data["grading"]["share"],
        "availability": data["availability"]["value"],
        "availability_basis": data["availability"]["basis"],
        "audit_ok": data["security"]["audit_ok"],
        "audit_checked": data["security"]["audit_checked"],
        "audit_mode": data["security"]["audit_mode"],
    }
    _report_store(report, pdf, summary, progress)
    return report


def _report_store(report: Report, pdf: bytes, summary: dict, progress) -> None:
    progress(90, _("正在保存"))
    if report.file:
        report.file.delete(save=False)
    report.file.save(report.filename, ContentFile(pdf), save=False)
    report.pages = rendering.page_count(pdf)
    report.summary = summary
    report.status = ReportStatus.READY
    report.error = ""
    report.generated_at = timezone.now()
    report.save()
    audit_write(
        action="report.generate",
        object_type="reports.Report",
        object_id=report.pk,
        object_repr=str(report),
        after={"pages": report.pages, "size": len(pdf), **summary},
    )


def report_mark_failed(*, report_id: int, error: str) -> None:
    """A failed run; the report of a submitted filing keeps its status and PDF (a refused
    regeneration leaves what was sent as it was)."""
    with schema_context(get_public_schema_name()):
        Report.objects.filter(pk=report_id).exclude(filings__status=FilingStatus.SUBMITTED).update(
            status=ReportStatus.FAILED, error=error[:2000]
        )


def audit_chain_verify_full() -> dict:
    """The nightly full verification of the audit chain (moves the reports' checkpoint when
    good, records a failure for every later report to show)."""
    from apps.reports.auditchain import audit_chain_check

    check = audit_chain_check(full=True)
    return {"ok": check.ok, "checked": check.checked, "last_id": check.last_id, "bad_id": check.bad_id}


def monthly_filing_prepare(*, month: dt.date | None = None) -> Report:
    """The monthly filing of ``month`` (default: last month) as JSON and PDF, generated in
    place; run again it regenerates the same report row."""
    from apps.reports.filing import previous_month

    first, last = month_bounds(month or previous_month())
    with schema_context(get_public_schema_name()):
        filing_check_open(first)
        filing = FilingReport.objects.filter(period_start=first, report__isnull=False).first()
        report = (
            filing.report
            if filing is not None
            else Report.objects.filter(
                kind=ReportKind.MONTHLY_FILING, period_start=first, enterprise__isnull=True
            ).first()
        )
        if report is None:
            report = Report.objects.create(
                kind=ReportKind.MONTHLY_FILING, period_start=first, period_end=last
            )
    return report_generate(report_id=report.pk)


def filing_mark_submitted(*, report: Report, user, upstream_response: str = "") -> FilingReport:
    """The park sent the month's filing to the top-level node by hand (no national adapter):
    record when, by whom and what came back. Once only."""
    with transaction.atomic():
        filing = FilingReport.objects.select_for_update().filter(report=report).first()
        if filing is None:
            raise ApplicationError(_("该报告不是月度报备，或尚未生成"))
        if filing.status == FilingStatus.SUBMITTED:
            raise ApplicationError(
                _("该月度报备已于 %(when)s 标记为已报送")
                % {"when": formatting.cn_datetime(filing.submitted_at)}
            )
        before = {"status": filing.status}
        filing.status = FilingStatus.SUBMITTED
        filing.submitted_at = timezone.now()
        filing.upstream_response = upstream_response.strip()
        filing.save(update_fields=["status", "submitted_at", "upstream_response", "updated_at"])
        audit_write(
            action="filing.submit",
            object_type="reports.FilingReport",
            object_id=filing.pk,
            object_repr=f"{filing.period_start:%Y-%m}",
            before=before,
            after={"status": filing.status, "upstream_response": filing.upstream_response},
            tenant_schema=get_public_schema_name(),
        )
    return filing
