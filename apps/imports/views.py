"""Import/export pages, the same on the park domain (park facilities, the operator's prefix)
and on an enterprise domain (its own objects)."""

from __future__ import annotations

import io
from functools import wraps
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.imports import services
from apps.imports.choices import FileFormat, ImportState
from apps.imports.forms import ExportForm, UploadForm
from apps.imports.models import ImportJob
from apps.imports.selectors import acting_enterprise, import_job_list, importable_templates
from apps.imports.workbook import template_workbook
from apps.metadata.selectors import effective_items, template_current_version
from apps.tenants.selectors import current_enterprise

PARK_IMPORTERS = ("park_admin", "park_operator")
PARK_READERS = ("park_admin", "park_operator", "park_auditor")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(request, *, write: bool) -> bool:
    user = request.user
    if user.is_superuser:
        return True
    enterprise = current_enterprise()
    if enterprise is None:
        return user.park_role in (PARK_IMPORTERS if write else PARK_READERS)
    from apps.accounts.selectors import is_member

    return is_member(user=user, enterprise=enterprise)


def importer(write: bool = True):
    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not _allowed(request, write=write):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _templates():
    enterprise = acting_enterprise()
    return importable_templates(enterprise=enterprise, park_domain=current_enterprise() is None)


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@importer(write=False)
def job_list(request):
    templates = _templates()
    form = UploadForm(request.POST or None, request.FILES or None, templates=templates)
    if request.method == "POST":
        if not _allowed(request, write=True):
            raise PermissionDenied
        if form.is_valid():
            template = form.cleaned_data["template"]
            try:
                job = services.import_job_create(
                    actor=request.user,
                    enterprise=acting_enterprise(),
                    template_version=template_current_version(template),
                    uploaded_file=form.cleaned_data["file"],
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("imports:job_detail", pk=job.pk)
    state = request.GET.get("state") or ""
    state = state if state in ImportState.values else ""
    page = Paginator(import_job_list(state=state or None), 20).get_page(request.GET.get("page"))
    export_form = ExportForm(templates=templates, initial=request.GET or None)
    return render(
        request,
        "imports/job_list.html",
        {
            "form": form,
            "export_form": export_form,
            "page": page,
            "templates": templates,
            "state": ImportState(state).label if state else "",
        },
    )


@importer(write=False)
def template_download(request, pk: int):
    template = get_object_or_404(_templates(), pk=pk)
    version = template_current_version(template)
    buffer = io.BytesIO()
    template_workbook(
        items=effective_items(version), template_label=f"{template.name} v{version.number}", out=buffer
    )
    name = _("%(code)s-v%(n)s-导入模板.xlsx") % {"code": template.code, "n": version.number}
    return _attachment(buffer.getvalue(), name, XLSX)


@importer(write=False)
def job_detail(request, pk: int):
    job = get_object_or_404(import_job_list(), pk=pk)
    errors = Paginator(job.errors, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/job_detail.html",
        {
            "job": job,
            "errors": errors,
            "error_lines": [services.format_error(e) for e in errors],
            "can_write": _allowed(request, write=True),
            "can_retry": services.import_job_can_retry(job=job),
        },
    )


@require_POST
@importer(write=True)
def job_confirm(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        services.import_job_confirm(job=job, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已开始导入，完成前不会写入任何数据"))
    return redirect("imports:job_detail", pk=pk)


@importer(write=False)
def error_report(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    if not job.errors:
        raise Http404
    buffer = io.BytesIO()
    services.import_job_error_report(job=job, out=buffer)
    name = _("%(name)s-错误报告.xlsx") % {"name": job.original_name.rsplit(".", 1)[0]}
    return _attachment(buffer.getvalue(), name, XLSX)


# The identifier list's filters (apps.identifiers.selectors.identifier_list): its export
# links carry the list's query string.
LIST_FILTERS = ("q", "code", "category", "template", "status", "date_from", "date_to", "enterprise")


@importer(write=False)
def export_view(request):
    """Export a filtered identifier list: ?format=xlsx|csv plus the list page's filters."""
    from apps.identifiers.selectors import identifier_list
    from apps.imports.exports import export_list

    kind = request.GET.get("format") or FileFormat.XLSX
    if kind not in FileFormat.values:
        messages.error(request, _("不支持的导出格式"))
        return redirect("imports:job_list")
    filters = {k: request.GET[k].strip() for k in LIST_FILTERS if request.GET.get(k, "").strip()}
    queryset = identifier_list(user=request.user, enterprise=current_enterprise(), filters=filters)
    buffer = io.BytesIO()
    name = export_list(queryset=queryset, enterprise=acting_enterprise(), file_format=kind, out=buffer)
    if name is None:
        messages.info(request, _("没有符合筛选条件的标识，未导出文件"))
        return redirect(f"{reverse('identifiers:list')}?{urlencode(filters)}")
    if name.endswith(".zip"):
        content_type = "application/zip"
    else:
        content_type = XLSX if kind == FileFormat.XLSX else "text/csv; charset=utf-8"
    return _attachment(buffer.getvalue(), name, content_type)


# ---------------------------------------------------------------- mass onboarding (park domain)


def _park_admin_only(request) -> None:
    if current_enterprise() is not None:
        raise Http404
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not (request.user.is_superuser or request.user.park_role == "park_admin"):
        raise PermissionDenied


def onboarding_view(request):
    """A park administrator uploads an Excel file of enterprises; their schemas are provisioned
    by a tracked task whose progress page the upload leads to."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _park_admin_only(request)
    from apps.imports.forms import OnboardingForm
    from apps.imports.onboarding import OnboardingRefused, onboarding_start
    from apps.tasks.selectors import task_run_list

    form = OnboardingForm(request.POST or None, request.FILES or None)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            run = onboarding_start(actor=request.user, uploaded_file=form.cleaned_data["file"])
        except OnboardingRefused as exc:
            form.add_error("file", exc.message)
            row_errors = [str(e) for e in exc.rows]
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("已接收，正在后台开通企业"))
            return redirect("tasks:run_detail", pk=run.pk)
    runs = task_run_list(user=request.user, enterprise=None).filter(task_name="imports.onboard_enterprises")[
        :20
    ]
    return render(request, "imports/onboarding.html", {"form": form, "row_errors": row_errors, "runs": runs})


def onboarding_template_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _park_admin_only(request)
    from apps.imports.onboarding import onboarding_template

    return _attachment(onboarding_template(), _("企业批量入驻模板.xlsx"), XLSX)


def onboarding_invitations_view(request, run_id: int):
    """A mass onboarding's administrators and their invitations: sent, accepted or expired,
    with a button to send one again."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _park_admin_only(request)
    from apps.imports.onboarding import onboarding_invitations
    from apps.tasks.selectors import task_run_get

    run = task_run_get(user=request.user, run_id=run_id)
    if run is None or run.task_name != "imports.onboard_enterprises":
        raise Http404
    rows = onboarding_invitations(task_run_id=run.pk)
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in ("sent", "accepted", "expired")}
    return render(
        request, "imports/onboarding_invitations.html", {"run": run, "rows": rows, "counts": counts}
    )


@require_POST
def onboarding_invitation_resend_view(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _park_admin_only(request)
    from apps.imports.onboarding import onboarding_invitation_resend

    try:
        invitation = onboarding_invitation_resend(invitation_id=pk, actor=request.user)
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404 from None
        messages.error(request, exc.message)
        back = request.POST.get("run")
        return (
            redirect("imports:onboarding_invitations", run_id=int(back))
            if back and back.isdigit()
            else redirect("imports:onboarding")
        )
    messages.success(request, _("已重新发送邀请至 %(email)s") % {"email": invitation.email})
    if invitation.task_run_id:
        return redirect("imports:onboarding_invitations", run_id=invitation.task_run_id)
    return redirect("imports:onboarding")
