from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from apps.accounts.decorators import park_role_required
from apps.audit.forms import AuditFilterForm
from apps.audit.models import AuditEntry
from apps.audit.selectors import audit_list, audit_object_types, audit_tenants

AUDIT_ROLES = ("park_auditor", "park_admin")


@park_role_required(*AUDIT_ROLES)
def entry_list(request):
    form = AuditFilterForm(request.GET or None, object_types=audit_object_types(), tenants=audit_tenants())
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    entries = audit_list(**filters) if not form.is_bound or form.is_valid() else AuditEntry.objects.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"form": form, "page": page})


@park_role_required(*AUDIT_ROLES)
def entry_detail(request, pk: int):
    entry = AuditEntry.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    return render(request, "audit/entry_detail.html", {"entry": entry})
