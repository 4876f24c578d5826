"""Identifier pages.

Enterprise domain: the enterprise's identifiers (list, detail, create/edit from the template,
withdraw, QR, labels), grants of restricted values, API clients. Park domain: every identifier
of the park with its public values for park staff; the operator's own identifiers are
registered and edited there by park administrators and operators.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from apps.core.errors import ApplicationError, NotFound
from apps.identifiers import carriers, grants, selectors, services
from apps.identifiers.choices import IdentifierStatus
from apps.identifiers.forms import OBJECT_CODE, APIClientForm, GrantForm, IdentifierValuesForm
from apps.identifiers.models import APIClient, Identifier
from apps.metadata.choices import ObjectCategory

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")
PAGE_SIZE = 50
LABELS_MAX = 500


def _tenant():
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    return tenant


def _operator():
    from apps.tenants.models import Enterprise

    return Enterprise.objects.filter(schema_name=get_public_schema_name()).first()


def portal_user(view):
    """Enterprise domain: members (TenantMembershipMiddleware has checked). Park domain: staff."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if _tenant() is None and not (request.user.is_superuser or request.user.park_role in PARK_STAFF):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _writer_enterprise(request):
    """Whose identifiers this user registers here: the tenant, or (park domain) the operator."""
    tenant = _tenant()
    enterprise = tenant or _operator()
    if enterprise is None or not services.can_write(request.user, enterprise):
        raise PermissionDenied
    return enterprise


def _get(request, pk: int) -> Identifier:
    """Enterprise domain: only this enterprise's identifiers (another's → 404, naming nothing)."""
    try:
        return selectors.identifier_get(pk=pk, enterprise=_tenant())
    except NotFound:
        raise Http404 from None


def _filters(request) -> dict:
    keys = ("q", "code", "category", "template", "status", "date_from", "date_to", "enterprise")
    return {k: request.GET.get(k, "").strip() for k in keys if request.GET.get(k, "").strip()}


def _templates_for(enterprise):
    from apps.metadata.selectors import templates_for_enterprise

    return templates_for_enterprise(enterprise, published_only=True)


@portal_user
def identifier_list_view(request):
    tenant = _tenant()
    filters = _filters(request)
    qs = selectors.identifier_list(user=request.user, enterprise=tenant, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    enterprise = tenant or _operator()
    context = {
        "page": page,
        "filters": filters,
        "categories": ObjectCategory.choices,
        "statuses": IdentifierStatus.choices,
        "templates": _templates_for(enterprise) if enterprise else [],
        "park_view": tenant is None,
        "can_create": enterprise is not None and services.can_write(request.user, enterprise),
    }
    if tenant is None:
        from apps.tenants.models import Enterprise

        context["enterprises"] = (
            Enterprise.objects.filter(identifiers__isnull=False).distinct().order_by("name")
        )
    return render(request, "identifiers/identifier_list.html", context)


@portal_user
def identifier_detail_view(request, pk: int):
    ident = _get(request, pk)
    grouped = selectors.values_by_grade(user=request.user, identifier=ident)
    history = selectors.change_history(ident)
    return render(
        request,
        "identifiers/identifier_detail.html",
        {
            "ident": ident,
            "grouped": grouped,
            "history": history,
            "resolution_url": carriers.resolution_url(ident.handle),
            "qr_svg": carriers.qr_svg(ident.handle).decode("utf-8"),
            "can_edit": ident.status == IdentifierStatus.ACTIVE
            and services.can_write(request.user, ident.enterprise),
        },
    )


@portal_user
def template_choose_view(request):
    from apps.metadata.selectors import template_current_version

    enterprise = _writer_enterprise(request)
    rows = []
    for template in _templates_for(enterprise).order_by("category", "code"):
        version = template_current_version(template)
        if version is not None:
            rows.append({"template": template, "version": version})
    return render(request, "identifiers/template_choose.html", {"rows": rows, "enterprise": enterprise})


def _uploads(request, form) -> dict:
    """{file item code: uploaded file}; the service stores them inside its transaction."""
    return {
        item["code"]: request.FILES[item["code"]]
        for item in form.file_items()
        if request.FILES.get(item["code"])
    }


@portal_user
def identifier_create_view(request, template_pk: int):
    from apps.metadata.selectors import effective_items, template_current_version

    enterprise = _writer_enterprise(request)
    template = get_object_or_404(_templates_for(enterprise), pk=template_pk)
    version = template_current_version(template)
    if version is None:
        raise Http404
    items = effective_items(version)
    form_kwargs = {"items": items, "with_object_code": True, "use_check": template.use_check_character}
    if request.method == "POST":
        form = IdentifierValuesForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            values = form.raw_values()
            try:
                ident = services.identifier_register(
                    actor=request.user,
                    enterprise=enterprise,
                    template_version=version,
                    values=values,
                    object_code=form.cleaned_data.get(OBJECT_CODE) or None,
                    uploads=_uploads(request, form),
                )
            except ApplicationError as exc:
                form.apply_errors(exc.errors or {None: [exc.message]})
            else:
                messages.success(request, _("标识 %(h)s 已登记") % {"h": ident.handle})
                return redirect("identifiers:detail", pk=ident.pk)
    else:
        form = IdentifierValuesForm(**form_kwargs)
    return render(
        request,
        "identifiers/identifier_form.html",
        {"form": form, "template": template, "version": version, "enterprise": enterprise, "creating": True},
    )


@portal_user
def identifier_edit_view(request, pk: int):
    from apps.metadata.selectors import effective_items, template_current_version

    ident = _get(request, pk)
    if not services.can_write(request.user, ident.enterprise):
        raise PermissionDenied
    if ident.status != IdentifierStatus.ACTIVE:
        messages.error(request, _("标识已注销，不能修改"))
        return redirect("identifiers:detail", pk=ident.pk)
    # edits stay under the identifier's own version; moving to the latest is asked for explicitly
    latest = template_current_version(ident.template_version.template) or ident.template_version
    upgrade = (request.POST.get("upgrade") or request.GET.get("upgrade")) == "1"
    version = latest if upgrade else ident.template_version
    items = effective_items(version)
    current = services.values_as_dict(selectors.identifier_values_for(user=request.user, identifier=ident))
    if request.method == "POST":
        form = IdentifierValuesForm(request.POST, request.FILES, items=items, initial=current)
        if form.is_valid():
            values = form.raw_values(keep=current)
            try:
                services.identifier_update(
                    actor=request.user,
                    identifier=ident,
                    values=values,
                    template_version=version,
                    uploads=_uploads(request, form),
                )
            except ApplicationError as exc:
                form.apply_errors(exc.errors or {None: [exc.message]})
            else:
                messages.success(request, _("标识已更新"))
                return redirect("identifiers:detail", pk=ident.pk)
    else:
        form = IdentifierValuesForm(items=items, initial=current)
    return render(
        request,
        "identifiers/identifier_form.html",
        {
            "form": form,
            "template": version.template,
            "version": version,
            "ident": ident,
            "enterprise": ident.enterprise,
            "creating": False,
            "upgrading": version.pk != ident.template_version_id,
            "latest": latest if latest.pk != ident.template_version_id else None,
        },
    )


@portal_user
@require_POST
def identifier_withdraw_view(request, pk: int):
    ident = _get(request, pk)
    try:
        services.identifier_withdraw(
            actor=request.user, identifier=ident, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from None
    messages.success(request, _("标识 %(h)s 已注销") % {"h": ident.handle})
    return redirect("identifiers:detail", pk=ident.pk)


@portal_user
def identifier_qr_view(request, pk: int, kind: str):
    ident = _get(request, pk)
    if kind == "svg":
        return HttpResponse(carriers.qr_svg(ident.handle, scale=8), content_type="image/svg+xml")
    if kind == "png":
        response = HttpResponse(carriers.qr_png(ident.handle, scale=10), content_type="image/png")
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="qr-{ident.pk}.png"'
        return response
    raise Http404


@portal_user
def labels_view(request):
    """Label sheet for the ticked identifiers (``ids``) or the current filter (first 500)."""
    tenant = _tenant()
    source = request.POST if request.method == "POST" else request.GET
    ids = [int(i) for i in source.getlist("ids") if str(i).isdigit()]
    qs = selectors.identifier_list(user=request.user, enterprise=tenant, filters=_filters(request))
    if ids:
        qs = qs.filter(pk__in=ids)
    selection = list(qs[:LABELS_MAX])
    if not selection:
        messages.error(request, _("请先选择要打印标签的标识"))
        return redirect("identifiers:list")
    try:
        pdf = carriers.labels_pdf(selection, title=_("标识标签"))
    except ApplicationError as exc:  # e.g. no CJK font installed: say so instead of a 500
        messages.error(request, exc.message)
        return redirect("identifiers:list")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="labels.pdf"'
    return response


@portal_user
def attachment_view(request, pk: int, att_pk: int):
    from apps.enterprise_data.services import attachment_get

    ident = _get(request, pk)
    if not selectors.can_view_restricted(user=request.user, identifier=ident):
        raise PermissionDenied
    att = attachment_get(enterprise=ident.enterprise, pk=att_pk)
    if att is None or att.identifier_id != ident.pk:
        raise Http404
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


# ---------------------------------------------------------------- grants and API access
def _admin_enterprise(request):
    from apps.accounts.selectors import is_enterprise_admin

    tenant = _tenant()
    enterprise = tenant or _operator()
    user = request.user
    ok = user.is_superuser or (
        is_enterprise_admin(user=user, enterprise=enterprise) if tenant else user.park_role == "park_admin"
    )
    if not ok:
        raise PermissionDenied
    return enterprise


@portal_user
def grant_list_view(request):
    from apps.accounts.models import User

    enterprise = _admin_enterprise(request)
    templates = _templates_for(enterprise)
    form = GrantForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grantee = User.objects.filter(username=data["username"], is_active=True).first()
        try:
            if grantee is None:
                raise ApplicationError(_("用户不存在"), errors={"username": [_("用户不存在")]})
            if data["target"] == "identifier":
                ident = Identifier.objects.filter(
                    handle_ci=data["handle"].strip().lower(), enterprise=enterprise
                ).first()
                if ident is None:
                    raise ApplicationError(_("本企业没有该标识"), errors={"handle": [_("本企业没有该标识")]})
                grants.grant_restricted_access(
                    actor=request.user, enterprise=enterprise, grantee=grantee, identifier=ident
                )
            else:
                template = templates.filter(pk=data["template"] or 0).first()
                if template is None:
                    raise ApplicationError(_("请选择模板"), errors={"template": [_("请选择模板")]})
                grants.grant_restricted_access(
                    actor=request.user, enterprise=enterprise, grantee=grantee, template=template
                )
        except ApplicationError as exc:
            for field, msgs in (exc.errors or {None: [exc.message]}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, _("已授权"))
            return redirect("identifiers:grants")
    return render(
        request,
        "identifiers/grant_list.html",
        {"grants": selectors.grants_of(enterprise=enterprise), "form": form, "enterprise": enterprise},
    )


@portal_user
@require_POST
def grant_revoke_view(request, pk: int):
    enterprise = _admin_enterprise(request)
    grant = get_object_or_404(selectors.grants_of(enterprise=enterprise), pk=pk)
    grants.revoke_restricted_access(actor=request.user, grant=grant)
    messages.success(request, _("已撤销授权"))
    return redirect("identifiers:grants")


@portal_user
def api_access_view(request):
    """The user's own API token, and (enterprise administrators) the enterprise's API clients."""
    from rest_framework.authtoken.models import Token

    from apps.identifiers import api_clients

    tenant = _tenant()
    new_key = None
    if request.method == "POST" and request.POST.get("action") == "rotate_token":
        new_key = api_clients.api_token_rotate(actor=request.user)
    try:
        enterprise = _admin_enterprise(request) if tenant else None
    except PermissionDenied:
        enterprise = None
    form = APIClientForm(request.POST or None) if enterprise else None
    if (
        enterprise
        and request.method == "POST"
        and request.POST.get("action") == "create_client"
        and form.is_valid()
    ):
        try:
            _client, new_key = api_clients.api_client_create(
                actor=request.user, enterprise=enterprise, name=form.cleaned_data["name"]
            )
        except ApplicationError as exc:
            form.add_error("name", exc.message)
    if enterprise and request.method == "POST" and request.POST.get("action") == "revoke_client":
        client = get_object_or_404(APIClient, pk=request.POST.get("client"), enterprise=enterprise)
        api_clients.api_client_revoke(actor=request.user, client=client)
        messages.success(request, _("已停用 API 客户端"))
        return redirect("identifiers:api_access")
    return render(
        request,
        "identifiers/api_access.html",
        {
            "has_token": Token.objects.filter(user=request.user).exists(),
            "new_key": new_key,
            "enterprise": enterprise,
            "clients": APIClient.objects.filter(enterprise=enterprise) if enterprise else [],
            "form": form,
        },
    )
