import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from apps.tenants.choices import EnterpriseStatus

_DOMAIN_CACHE: dict[str, tuple[float, object]] = {}
DOMAIN_CACHE_SECONDS = 30


def forget_domains() -> None:
    """Drop this process's domain → tenant cache (after a domain or status change)."""
    _DOMAIN_CACHE.clear()


class ParkTenantMiddleware(TenantMainMiddleware):
    """django-tenants' domain routing, with the domain → tenant lookup cached in process.

    Resolution is the hot path: without this every request costs a query before any view runs.
    """

    def get_tenant(self, domain_model, hostname):
        now = time.monotonic()
        hit = _DOMAIN_CACHE.get(hostname)
        if hit and hit[0] > now:
            return hit[1]
        tenant = super().get_tenant(domain_model, hostname)
        _DOMAIN_CACHE[hostname] = (now + DOMAIN_CACHE_SECONDS, tenant)
        return tenant


OPEN_PATH_PREFIXES = (
    "/accounts/login",
    "/accounts/logout",
    "/static/",
    "/i18n/",
    "/jsi18n/",
    "/healthz",
    "/api/",
)


class TenantMembershipMiddleware:
    """On an enterprise domain only that enterprise's members get in; everyone else gets a
    403 page that names nothing of the enterprise. API paths are checked by the DRF
    permission ``apps.tenants.permissions.IsTenantMember`` (token auth happens in the view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(connection, "tenant", None)
        if tenant is None or tenant.schema_name == get_public_schema_name():
            return self.get_response(request)
        if request.path.startswith(OPEN_PATH_PREFIXES):
            return self.get_response(request)
        if tenant.status != EnterpriseStatus.ACTIVE:
            # A suspended enterprise's portal is closed to everyone; its data is kept.
            return HttpResponseForbidden(render_to_string("403.html", request=request))
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL_PATH}?next={request.get_full_path()}")
        from apps.accounts.selectors import is_member

        if not is_member(user=user, enterprise=tenant):
            return HttpResponseForbidden(render_to_string("403.html", request=request))
        return self.get_response(request)
