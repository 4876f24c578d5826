"""Template pages on both domains: park staff manage national/park templates and the change
request inbox; enterprise members browse templates, build their own and ask for changes."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from apps.core.errors import ApplicationError
from apps.metadata import services
from apps.metadata.choices import (
    GRADE_GBT43697,
    ChangeRequestStatus,
    ObjectCategory,
    TemplateLevel,
    VersionStatus,
)
from apps.metadata.exchange import snms_version_name, template_import, template_json_schema, template_to_snms
from apps.metadata.forms import (
    ChangeRequestForm,
    ImportForm,
    ItemForm,
    NoteForm,
    RejectForm,
    TemplateEditForm,
    TemplateForm,
)
from apps.metadata.models import (
    MetadataTemplate,
    TemplateChangeRequest,
    TemplateItem,
    TemplateNotice,
    TemplateVersion,
)
from apps.metadata.selectors import (
    change_request_list,
    effective_items_with_errors,
    notices_for_enterprise,
    template_current_version,
    template_draft_version,
    template_list,
    templates_for_enterprise,
)

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")
PARK_EDITORS = ("park_admin", "park_operator")


def _enterprise():
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    return tenant


def portal_user(view):
    """Park domain: park staff only. Enterprise domain: members (the tenant middleware checks)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if _enterprise() is None and not (request.user.is_superuser or request.user.park_role in PARK_STAFF):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _is_enterprise_admin(request, enterprise) -> bool:
    from apps.accounts.selectors import is_enterprise_admin

    return is_enterprise_admin(user=request.user, enterprise=enterprise)


def can_edit(request, template: MetadataTemplate) -> bool:
    enterprise = _enterprise()
    if enterprise is None:
        return template.owner_id is None and (
            request.user.is_superuser or request.user.park_role in PARK_EDITORS
        )
    return template.owner_id == enterprise.pk and _is_enterprise_admin(request, enterprise)


def _visible_template(request, pk: int) -> MetadataTemplate:
    enterprise = _enterprise()
    qs = templates_for_enterprise(enterprise) if enterprise is not None else MetadataTemplate.objects.all()
    template = qs.filter(pk=pk).select_related("parent", "owner").first()
    if template is None:
        raise Http404
    return template


def _require_edit(request, template) -> None:
    if not can_edit(request, template):
        raise PermissionDenied


def _add_errors(form, exc: ApplicationError) -> None:
    added = False
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
            added = True
    if not added:
        form.add_error(None, exc.message)


def _grade_rows(items: list[dict]) -> list[dict]:
    rows = []
    for item in items:
        grade = int(item.get("grade") or 1)
        rows.append({**item, "grade_label": GRADE_GBT43697.get(grade, ""), "grade": grade})
    return rows


# ---------------------------------------------------------------- templates


@portal_user
def template_list_view(request):
    enterprise = _enterprise()
    level = request.GET.get("level") or ""
    category = request.GET.get("category") or ""
    q = (request.GET.get("q") or "").strip()
    if enterprise is not None:
        templates = templates_for_enterprise(enterprise)
        if level:
            templates = templates.filter(level=level)
        if category:
            templates = templates.filter(category=category)
        if q:
            templates = templates.filter(name__icontains=q) | templates.filter(code__icontains=q)
    else:
        templates = template_list(level=level, category=category, q=q)
    rows = []
    for template in templates:
        current = template_current_version(template)
        rows.append({"template": template, "current": current, "draft": template_draft_version(template)})
    pending = 0
    if enterprise is None:
        pending = TemplateChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING).count()
    return render(
        request,
        "metadata/template_list.html",
        {
            "rows": rows,
            "level": level,
            "category": category,
            "q": q,
            "levels": TemplateLevel.choices,
            "categories": ObjectCategory.choices,
            "enterprise": enterprise,
            "pending": pending,
            "can_create": enterprise is None
            and (request.user.is_superuser or request.user.park_role in PARK_EDITORS)
            or (enterprise is not None and _is_enterprise_admin(request, enterprise)),
        },
    )


@portal_user
def template_create_view(request):
    enterprise = _enterprise()
    if enterprise is None:
        if not (request.user.is_superuser or request.user.park_role in PARK_EDITORS):
            raise PermissionDenied
        parents = MetadataTemplate.objects.filter(level=TemplateLevel.NATIONAL)
    else:
        if not _is_enterprise_admin(request, enterprise):
            raise PermissionDenied
        parents = MetadataTemplate.objects.filter(level=TemplateLevel.PARK, owner__isnull=True)
    form = TemplateForm(
        request.POST or None,
        parents=parents,
        enterprise_mode=enterprise is not None,
        initial={"parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if enterprise is None:
                template = services.template_create(level=TemplateLevel.PARK, **data)
            else:
                template = services.template_create(
                    level=TemplateLevel.ENTERPRISE, owner=enterprise, category=data["parent"].category, **data
                )
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("模板已创建，请在草稿中添加数据项后发布"))
            return redirect("metadata:version_detail", pk=template.pk, number=1)
    return render(request, "metadata/template_form.html", {"form": form, "enterprise": enterprise})


@portal_user
def template_detail(request, pk: int):
    template = _visible_template(request, pk)
    current = template_current_version(template)
    return render(
        request,
        "metadata/template_detail.html",
        {
            "template": template,
            "current": current,
            "items": _grade_rows(current.effective_items) if current else [],
            "versions": template.versions.order_by("-number"),
            "draft": template_draft_version(template),
            "can_edit": can_edit(request, template),
            "can_request": _enterprise() is not None and template.level == TemplateLevel.PARK,
            "children": template.children.filter(owner__isnull=True)
            if _enterprise() is None
            else template.children.filter(owner=_enterprise()),
            "snms_version": snms_version_name(current) if current else "",
        },
    )


@portal_user
def template_edit(request, pk: int):
    template = _visible_template(request, pk)
    _require_edit(request, template)
    form = TemplateEditForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(template=MetadataTemplate.objects.get(pk=pk), **form.cleaned_data)
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("模板信息已保存"))
            return redirect("metadata:template_detail", pk=pk)
    return render(request, "metadata/template_edit.html", {"form": form, "template": template})


@require_POST
@portal_user
def draft_create(request, pk: int):
    template = _visible_template(request, pk)
    _require_edit(request, template)
    try:
        draft = services.template_version_create_draft(template=template)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("metadata:template_detail", pk=pk)
    return redirect("metadata:version_detail", pk=pk, number=draft.number)


def _version(template, number: int) -> TemplateVersion:
    return get_object_or_404(
        TemplateVersion.objects.select_related("template", "parent_version"), template=template, number=number
    )


@portal_user
def version_detail(request, pk: int, number: int):
    template = _visible_template(request, pk)
    version = _version(template, number)
    if version.status == VersionStatus.PUBLISHED:
        items, errors = version.effective_items, {}
    else:
        items, errors = effective_items_with_errors(version)
    own = {item.code: item for item in TemplateItem.objects.filter(version=version)}
    editable = version.status == VersionStatus.DRAFT and can_edit(request, template)
    rows = _grade_rows(items)
    for row in rows:
        row["own"] = own.get(row["code"])
        row["errors"] = errors.get(row["code"], [])
    return render(
        request,
        "metadata/version_detail.html",
        {
            "template": template,
            "version": version,
            "rows": rows,
            "errors": errors,
            "editable": editable,
            "item_form": ItemForm() if editable else None,
            "publish_form": NoteForm() if editable else None,
        },
    )


@portal_user
def item_add(request, pk: int, number: int):
    template = _visible_template(request, pk)
    _require_edit(request, template)
    version = _version(template, number)
    override = request.GET.get("override")
    initial = {}
    if override:
        from apps.metadata.selectors import effective_items

        base = next((i for i in effective_items(version) if i["code"] == override), None)
        if base is not None:
            initial = ItemForm.initial_from(base)
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_item_add(version=version, **form.item_data())
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("数据项已添加"))
            return redirect("metadata:version_detail", pk=pk, number=number)
    return render(
        request,
        "metadata/item_form.html",
        {"form": form, "template": template, "version": version, "override": override},
    )


def _own_item(request, item_pk: int) -> TemplateItem:
    item = get_object_or_404(TemplateItem.objects.select_related("version__template"), pk=item_pk)
    template = _visible_template(request, item.version.template_id)
    _require_edit(request, template)
    return item


@portal_user
def item_edit(request, item_pk: int):
    item = _own_item(request, item_pk)
    version = item.version
    from apps.metadata.inheritance import item_dict

    form = ItemForm(
        request.POST or None,
        initial=ItemForm.initial_from(item_dict(item, origin_level="", origin_template="")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.item_data()
        if data.get("index") in (None, ""):
            data["index"] = item.index
        try:
            services.template_item_update(item=item, **data)
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("数据项已保存"))
            return redirect("metadata:version_detail", pk=version.template_id, number=version.number)
    return render(
        request,
        "metadata/item_form.html",
        {"form": form, "template": version.template, "version": version, "item": item},
    )


@require_POST
@portal_user
def item_disable(request, item_pk: int):
    item = _own_item(request, item_pk)
    try:
        services.template_item_disable(item=item)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("数据项「%(name)s」已停用") % {"name": item.name})
    return redirect("metadata:version_detail", pk=item.version.template_id, number=item.version.number)


@require_POST
@portal_user
def version_publish(request, pk: int, number: int):
    template = _visible_template(request, pk)
    _require_edit(request, template)
    version = _version(template, number)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.template_version_publish(
            version=version, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(version)s 已发布") % {"version": version})
    return redirect("metadata:version_detail", pk=pk, number=number)


@portal_user
def version_export(request, pk: int, number: int, kind: str):
    template = _visible_template(request, pk)
    version = _version(template, number)
    if kind == "schema":
        document, suffix = template_json_schema(version), "schema"
    else:
        document, suffix = template_to_snms(version), "snms"
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{template.code}-v{version.number}.{suffix}.json"'
    )
    return response


@portal_user
def template_import_view(request):
    enterprise = _enterprise()
    if enterprise is None and not (request.user.is_superuser or request.user.park_role in PARK_EDITORS):
        raise PermissionDenied
    if enterprise is not None and not _is_enterprise_admin(request, enterprise):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = template_import(
                document=form.cleaned_data["file"],
                owner=enterprise,
                code=form.cleaned_data.get("code") or None,
                name=form.cleaned_data.get("name") or None,
                publish=form.cleaned_data.get("publish", False),
            )
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("模板 %(code)s 已导入") % {"code": template.code})
            return redirect("metadata:template_detail", pk=template.pk)
    return render(request, "metadata/import.html", {"form": form})


# ---------------------------------------------------------------- change requests


@portal_user
def change_request_list_view(request):
    enterprise = _enterprise()
    status = request.GET.get("status") or (ChangeRequestStatus.PENDING if enterprise is None else "")
    requests_ = change_request_list(enterprise=enterprise, status=status or None)
    notices = notices_for_enterprise(enterprise)[:50] if enterprise is not None else []
    return render(
        request,
        "metadata/change_request_list.html",
        {
            "requests": requests_[:200],
            "status": status,
            "statuses": ChangeRequestStatus.choices,
            "enterprise": enterprise,
            "notices": notices,
        },
    )


@portal_user
def change_request_create_view(request, pk: int):
    enterprise = _enterprise()
    if enterprise is None:
        raise Http404
    template = _visible_template(request, pk)
    if template.level != TemplateLevel.PARK:
        raise Http404
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_create(
                template=template,
                enterprise=enterprise,
                actor=request.user,
                proposed_item=form.item_data(),
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("变更申请已提交，园区审核后会通知您"))
            return redirect("metadata:change_request_list")
    return render(request, "metadata/change_request_form.html", {"form": form, "template": template})


@portal_user
def change_request_detail(request, pk: int):
    enterprise = _enterprise()
    qs = change_request_list(enterprise=enterprise)
    change_request = get_object_or_404(qs, pk=pk)
    can_decide = (
        enterprise is None
        and change_request.status == ChangeRequestStatus.PENDING
        and request.user.is_park_admin
    )
    proposed = _grade_rows([{**change_request.proposed_item, "state": "enabled"}])[0]
    return render(
        request,
        "metadata/change_request_detail.html",
        {
            "cr": change_request,
            "proposed": proposed,
            "can_decide": can_decide,
            "reject_form": RejectForm(),
            "note_form": NoteForm(),
        },
    )


@require_POST
@portal_user
def change_request_decide(request, pk: int, decision: str):
    if _enterprise() is not None:
        raise Http404
    change_request = get_object_or_404(TemplateChangeRequest, pk=pk)
    try:
        if decision == "approve":
            version = services.change_request_approve(
                request=change_request, actor=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("已批准，%(version)s 已发布，已通知企业") % {"version": version})
        elif decision == "reject":
            services.change_request_reject(
                request=change_request, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已驳回，已通知企业"))
        elif decision == "forward":
            services.change_request_forward(
                request=change_request, actor=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("已标记为转报国家，已通知企业"))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("metadata:change_request_detail", pk=pk)


@require_POST
@portal_user
def notice_read(request, pk: int):
    enterprise = _enterprise()
    notice = get_object_or_404(TemplateNotice, pk=pk, enterprise=enterprise)
    services.notice_mark_read(notice=notice)
    return redirect("metadata:change_request_list")
