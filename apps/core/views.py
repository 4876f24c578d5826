from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from apps.tenants.selectors import current_enterprise


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    """Park domain: the landing page (public) or the park dashboard (staff).
    Enterprise domain: the enterprise dashboard."""
    enterprise = current_enterprise()
    if enterprise is not None:
        return enterprise_home(request, enterprise)
    if request.user.is_authenticated and request.user.is_park_staff:
        return render(request, "core/park_dashboard.html", {})
    return render(request, "core/landing.html", {})


@login_required
def enterprise_home(request, enterprise):
    return render(request, "core/enterprise_dashboard.html", {"enterprise": enterprise})
