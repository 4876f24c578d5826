"""Evidence pages. Enterprise domain: its evidence list, recording (one, or many files), detail,
receipt (JSON) and certificate (PDF). Park domain: the log's page for park staff, and for anyone
an evidence code's page (what its QR code opens) with a form to check a file against it — the
file is hashed and discarded, never stored."""

from __future__ import annotations

import json

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from apps.accounts.decorators import park_role_required
from apps.core import charts
from apps.core.errors import ApplicationError
from apps.enterprise_data.services import restricted_context
from apps.evidence import log as evlog
from apps.evidence import selectors, services
from apps.evidence.forms import BulkForm, CheckFileForm, RecordForm, WitnessForm
from apps.evidence.models import EvidenceContent, EvidenceType, LogEntry
from apps.evidence.seed import ensure_evidence_types
from apps.identifiers.views import portal_user

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")


def _enterprise():
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        raise Http404
    return tenant


def _types():
    ensure_evidence_types()
    return list(EvidenceType.objects.filter(active=True))


def _content(index: int) -> EvidenceContent:
    with restricted_context(_enterprise()):
        row = EvidenceContent.objects.filter(leaf_index=index).first()
    if row is None:
        raise Http404
    return row


def _public_url(request, code: str) -> str:
    from django.conf import settings

    scheme = "https" if request.is_secure() else "http"
    port = request.get_port()
    host = settings.PARK_DOMAIN + (f":{port}" if port not in ("80", "443") else "")
    return f"{scheme}://{host}/evidence/c/{code}"  # the park domain's page (not reversible here)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


# ---------------------------------------------------------------- enterprise
@portal_user
def evidence_list_view(request):
    enterprise = _enterprise()
    q, kind = (request.GET.get("q") or "").strip()[:100], (request.GET.get("type") or "")[:32]
    with restricted_context(enterprise):
        rows = list(selectors.evidence_list(enterprise=enterprise, q=q, evidence_type=kind)[:200])
    log = evlog.park_log()
    names = selectors.type_names()
    for row in rows:
        row.type_name = names.get(row.evidence_type, row.evidence_type)
        row.inclusion = selectors.inclusion_state(log, row.leaf_index)
    return render(request, "evidence/list.html", {"rows": rows, "q": q, "type": kind, "types": _types()})


@portal_user
def record_view(request):
    enterprise = _enterprise()
    form = RecordForm(request.POST or None, request.FILES or None, types=_types())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        record = (data.get("record") or "").strip() or None
        item = services.EvidenceInput(
            subject=data["subject"],
            evidence_type=data["evidence_type"],
            data=upload.read() if upload else None,
            filename=upload.name if upload else "",
            content_type=getattr(upload, "content_type", "") if upload else "",
            record=record,
            title=data.get("title") or "",
            supersedes=data.get("supersedes") or "",
        )
        try:
            rec = services.evidence_record(actor=request.user, enterprise=enterprise, item=item)
        except ApplicationError as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("已存证，存证码 %(code)s") % {"code": rec.code})
            return redirect("evidence:detail", index=rec.leaf_index)
    return render(request, "evidence/record.html", {"form": form})


@portal_user
def bulk_view(request):
    enterprise = _enterprise()
    form = BulkForm(request.POST or None, request.FILES or None, types=_types())
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        files = request.FILES.getlist("files")
        items = [
            services.EvidenceInput(
                subject=form.cleaned_data["subject"], evidence_type=form.cleaned_data["evidence_type"],
                data=f.read(), filename=f.name, content_type=f.content_type or "",
            )
            for f in files
        ]  # fmt: skip
        try:
            done = services.evidence_record_many(actor=request.user, enterprise=enterprise, items=items)
        except ApplicationError as exc:
            errors = exc.message.split("；")
        else:
            messages.success(request, _("已存证 %(n)s 个文件") % {"n": len(done)})
            return redirect("evidence:list")
    return render(request, "evidence/bulk.html", {"form": form, "errors": errors})


@portal_user
def detail_view(request, index: int):
    content = _content(index)
    log = evlog.park_log()
    record = (
        json.dumps(json.loads(bytes(content.data)), ensure_ascii=False, indent=2)
        if content.kind == "json"
        else ""
    )
    url = _public_url(request, content.code)
    return render(
        request,
        "evidence/detail.html",
        {
            "content": content,
            "record": record,
            "inclusion": selectors.inclusion_state(log, content.leaf_index),
            "type_name": selectors.type_names().get(content.evidence_type, content.evidence_type),
            "public_url": url,
            "qr": mark_safe(_qr_svg(url)),  # noqa: S308 - segno's SVG of our own URL
            "log": log,
        },
    )


def _receipt_for(content: EvidenceContent) -> dict:
    entry = LogEntry.objects.filter(code=content.code).select_related("log").first()
    if entry is None:
        raise Http404
    head = services.sth_for_entry(log=entry.log, index=entry.index)
    return selectors.receipt(entry=entry, head=head)


@portal_user
def receipt_view(request, index: int):
    content = _content(index)
    response = JsonResponse(_receipt_for(content), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="receipt-{index}.json"'
    return response


@portal_user
def certificate_view(request, index: int):
    from apps.core.pdf import render_pdf

    content = _content(index)
    receipt = _receipt_for(content)
    url = _public_url(request, content.code)
    try:
        document = render_pdf(
            "evidence/certificate.html",
            {
                "content": content,
                "receipt": receipt,
                "enterprise": _enterprise(),
                "type_name": selectors.type_names().get(content.evidence_type, content.evidence_type),
                "root_hex": __import__("base64").b64decode(receipt["sth"]["root_hash"]).hex(),
                "public_url": url,
                "qr": mark_safe(_qr_svg(url)),  # noqa: S308
            },
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("evidence:detail", index=index)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evidence-certificate-{index}.pdf"'
    return response


@portal_user
def content_view(request, index: int):
    content = _content(index)
    response = HttpResponse(
        bytes(content.data), content_type=content.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{content.filename or f"evidence-{index}"}"'
    return response


# ---------------------------------------------------------------- anyone
def public_view(request, code: str):
    if getattr(connection, "tenant", None) is not None and connection.schema_name != get_public_schema_name():
        raise Http404
    view = selectors.public_evidence(code=code)
    if view is None:
        raise Http404
    form = CheckFileForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        digest = evlog.file_digest(b"".join(upload.chunks()))  # hashed here, then dropped with the request
        upload.close()
        outcome = {"match": digest == view["digest"], "digest": digest}
    record = ""
    content = view["content"]
    if content is not None and content.kind == "json":
        record = json.dumps(json.loads(bytes(content.data)), ensure_ascii=False, indent=2)
    url = _public_url(request, code)
    return render(
        request,
        "evidence/public.html",
        {
            "view": view,
            "form": form,
            "outcome": outcome,
            "record": record,
            "qr": mark_safe(_qr_svg(url)),
            "public_url": url,
        },  # noqa: S308
    )


# ---------------------------------------------------------------- park
@park_role_required(*PARK_STAFF)
def park_view(request):
    form = WitnessForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_park_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.witness_add(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("见证节点已添加"))
                return redirect("evidence:park")
    figures = selectors.park_figures()
    context = {
        "figures": figures,
        "form": form,
        "type_chart": mark_safe(charts.hbar_chart(figures["by_type"], title=_("各类型存证数"))),  # noqa: S308
        "enterprise_chart": mark_safe(charts.hbar_chart(figures["by_enterprise"], title=_("各企业存证数"))),  # noqa: S308
        "root_hex": bytes(figures["last_sth"].root_hash).hex() if figures["last_sth"] else "",
    }
    return render(request, "evidence/park.html", context)


@require_POST
@park_role_required("park_admin", "park_operator")
def sth_now_view(request):
    head = services.sth_make()
    messages.success(request, _("已签名树头：大小 %(n)s") % {"n": head.tree_size})
    return redirect("evidence:park")
