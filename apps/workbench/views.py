"""The park's and an enterprise's home pages (registered with core's home view) and the
global search page. Figures come from selectors; charts from apps.core.charts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from apps.core import dashboard
from apps.tenants.selectors import current_enterprise
from apps.workbench import charts, selectors


def park_home(request):
    """core.views.home calls this for signed-in park staff on the park domain."""
    figures = selectors.park_figures()
    context = {
        "todo": selectors.park_todo(user=request.user),
        "figures": figures,
        "charts": charts.park_charts(figures),
        "sections": dashboard.park_sections(),
    }
    return render(request, "workbench/park.html", context)


@login_required
def enterprise_home(request, enterprise):
    """core.views.home calls this on an enterprise domain (the tenant middleware admits only
    its members)."""
    figures = selectors.enterprise_figures(enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "todo": selectors.enterprise_todo(user=request.user, enterprise=enterprise),
        "figures": figures,
        "charts": charts.enterprise_charts(figures),
    }
    return render(request, "workbench/enterprise.html", context)


@login_required
def search_view(request):
    enterprise = current_enterprise()
    if enterprise is None and not request.user.is_park_staff:
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()
    results = selectors.search(user=request.user, q=q, enterprise=enterprise)
    return render(
        request,
        "workbench/search.html",
        {"q": q, "results": results, "found": sum(len(rows) for rows in results.values())},
    )
