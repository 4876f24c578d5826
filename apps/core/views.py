from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from apps.core.tenancy import current_tenant


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The home pages of the park's staff and of an enterprise, registered at start-up by the app
# that draws them (apps.workbench reads every app, so core cannot import it).
HOME_PAGES: dict[str, Callable] = {}


def register_home(domain: str, view: Callable) -> None:
    HOME_PAGES[domain] = view


def home(request):
    """Park domain: the landing page (public) or the park dashboard (staff).
    Enterprise domain: the enterprise dashboard."""
    enterprise = current_tenant()
    if enterprise is not None:
        return HOME_PAGES.get("enterprise", enterprise_home)(request, enterprise)
    if request.user.is_authenticated and request.user.is_park_staff:
        if "park" in HOME_PAGES:
            return HOME_PAGES["park"](request)
        return render(request, "core/park_dashboard.html", {})
    return render(request, "core/landing.html", {})


@login_required
def enterprise_home(request, enterprise):
    return render(request, "core/enterprise_dashboard.html", {"enterprise": enterprise})


def page_not_found(request, exception):
    """The 404 of both URL confs: the REST API answers an address it does not have (an id
    that is not a number, a path with a dot) in its error shape, like every other API error."""
    from apps.core.middleware import API_PREFIX

    if request.path.startswith(API_PREFIX):
        body = {"code": "not_found", "message": _("API 中没有这个地址"), "errors": {}}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)
