from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import park_role_required
from apps.accounts.selectors import is_enterprise_admin
from apps.core.errors import ApplicationError
from apps.core.navigation import PARK_STAFF
from apps.reports import selectors, services
from apps.reports.choices import ReportKind, ReportStatus
from apps.reports.forms import EnterpriseReportRequestForm, ReportRequestForm
from apps.tenants.selectors import current_enterprise

REQUEST_ROLES = ("park_admin", "park_operator")


def _apply_errors(form, exc: ApplicationError) -> None:
    for field, errors in (exc.errors or {}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


def _enterprise_admin_or_403(request):
    enterprise = current_enterprise()
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    if enterprise is None or not is_enterprise_admin(user=request.user, enterprise=enterprise):
        raise PermissionDenied
    return enterprise, None


def _report_or_404(request, pk: int):
    enterprise = current_enterprise()
    if enterprise is None:
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        if not (request.user.is_superuser or request.user.park_role in PARK_STAFF):
            raise PermissionDenied
        report = selectors.report_list().filter(pk=pk).first()
    else:
        enterprise, response = _enterprise_admin_or_403(request)
        if response:
            return None, response
        report = selectors.report_list(enterprise=enterprise).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report, None


def report_list_view(request):
    enterprise = current_enterprise()
    if enterprise is None:
        return _park_list(request)
    return _enterprise_list(request)


@park_role_required(*PARK_STAFF)
def _park_list(request):
    can_request = request.user.is_superuser or request.user.park_role in REQUEST_ROLES
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.report_request(
                    kind=form.cleaned_data["kind"],
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    enterprise=form.cleaned_data.get("enterprise"),
                    user=request.user,
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("报告已开始生成"))
                return redirect("reports:detail", pk=report.pk)
    kind = request.GET.get("kind") or ""
    reports = selectors.report_list()
    if kind:
        reports = reports.filter(kind=kind)
    page = Paginator(reports, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {"page": page, "form": form if can_request else None, "kind": kind, "kinds": ReportKind.choices},
    )


def _enterprise_list(request):
    enterprise, response = _enterprise_admin_or_403(request)
    if response:
        return response
    form = EnterpriseReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(
                kind=ReportKind.ENTERPRISE,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                enterprise=enterprise,
                user=request.user,
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("报告已开始生成"))
            return redirect("reports:detail", pk=report.pk)
    page = Paginator(selectors.report_list(enterprise=enterprise), 30).get_page(request.GET.get("page"))
    return render(request, "reports/report_list.html", {"page": page, "form": form, "enterprise": enterprise})


def report_detail_view(request, pk: int):
    report, response = _report_or_404(request, pk)
    if response:
        return response
    filing = report.filings.first() if report.kind == ReportKind.MONTHLY_FILING else None
    can_submit = request.user.is_superuser or request.user.park_role == "park_admin"
    return render(
        request, "reports/report_detail.html", {"report": report, "filing": filing, "can_submit": can_submit}
    )


def _filing_or_404(request, pk: int):
    report, response = _report_or_404(request, pk)
    if response:
        return None, None, response
    filing = report.filings.first() if report.kind == ReportKind.MONTHLY_FILING else None
    if filing is None:
        raise Http404
    return report, filing, None


def report_filing_json_view(request, pk: int):
    """The monthly filing as the JSON to submit: the very figures the PDF prints."""
    _report, filing, response = _filing_or_404(request, pk)
    if response:
        return response
    reply = JsonResponse(filing.body, json_dumps_params={"ensure_ascii": False, "indent": 2})
    reply["Content-Disposition"] = f'attachment; filename="filing-{filing.period_start:%Y-%m}.json"'
    return reply


@require_POST
@park_role_required("park_admin")
def report_filing_submit_view(request, pk: int):
    report, _filing, response = _filing_or_404(request, pk)
    if response:
        return response
    try:
        services.filing_mark_submitted(
            report=report, user=request.user, upstream_response=request.POST.get("upstream_response", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已标记为已报送"))
    return redirect("reports:detail", pk=report.pk)


def report_download_view(request, pk: int):
    report, response = _report_or_404(request, pk)
    if response:
        return response
    if report.status != ReportStatus.READY or not report.file:
        raise Http404
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.filename, content_type="application/pdf"
    )
