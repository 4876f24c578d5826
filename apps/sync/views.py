"""Sync pages: the park's sync page (/sync/) and the enterprise's prefix status."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import park_role_required
from apps.core.errors import ApplicationError
from apps.identifiers.choices import UpstreamStatus
from apps.identifiers.models import Prefix
from apps.sync import selectors, services
from apps.sync.adapters import link_current, link_endpoint, upstream_exists
from apps.sync.forms import UpstreamLinkForm


@park_role_required("park_admin", "park_operator", "park_auditor")
def sync_page(request, link_form=None):
    link = link_current()
    upstream = request.GET.get("upstream") or ""
    upstream = upstream if upstream in UpstreamStatus.values else ""
    prefixes = selectors.prefixes_in_flight()
    if upstream:
        prefixes = prefixes.filter(upstream_status=upstream)
    context = {
        "upstream_filter": UpstreamStatus(upstream).label if upstream else "",
        "link": link,
        "endpoint": link_endpoint(link),
        "overview": services.sync_overview(),
        "failures": selectors.failures()[:200],
        "waiting": selectors.waiting_with_error()[:50],
        "waiting_rows": selectors.waiting_for_data()[:50],
        "batches": selectors.recent_batches(),
        "prefixes": prefixes[:200],
        "can_retry": request.user.is_superuser or request.user.park_role in ("park_admin", "park_operator"),
        "can_configure": request.user.is_park_admin,
        "link_form": link_form or UpstreamLinkForm.for_link(link),
    }
    return render(request, "sync/sync_page.html", context, status=400 if link_form else 200)


@require_POST
@park_role_required("park_admin")
def sync_link_update(request):
    """The park administrator sets the upstream node."""
    form = UpstreamLinkForm.for_link(link_current(), data=request.POST)
    if form.is_valid():
        try:
            services.upstream_link_update(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("上级节点设置已保存"))
            return redirect("sync:page")
    return sync_page(request, link_form=form)


@require_POST
@park_role_required("park_admin", "park_operator")
def sync_retry(request):
    ids = [int(i) for i in request.POST.getlist("entry") if i.isdigit()]
    count = services.sync_retry(actor=request.user, entry_ids=ids or None)
    messages.success(request, _("已重新排队 %(n)d 条，同步将立即重试") % {"n": count})
    return redirect("sync:page")


_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@park_role_required("park_admin", "park_operator", "park_auditor")
def national_filing(request):
    """Secondary-node mode without a national adapter: the monthly filing JSON to submit. A
    month already stored by the reports app is given as stored (read only); otherwise it is
    built from the current figures."""
    from apps.reports.filing import previous_month
    from apps.sync.adapters import national_filing_build

    period = request.GET.get("period") or previous_month().strftime("%Y-%m")
    if not _PERIOD.fullmatch(period):
        return JsonResponse(
            {"message": _("报备月份格式应为 YYYY-MM，例如 2026-10")},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    body = selectors.stored_filing(period) or national_filing_build(period)
    if body is None:
        raise Http404(_("月度报备不可用"))
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="filing-{period[:7]}.json"'
    return response


@login_required
def enterprise_prefix_status(request):
    """The enterprise sees where its prefix stands at the upstream node."""
    prefixes = Prefix.objects.filter(enterprise_id=connection.tenant.pk).order_by("prefix")
    return render(
        request, "sync/enterprise_prefix.html", {"prefixes": prefixes, "upstream_exists": upstream_exists()}
    )
