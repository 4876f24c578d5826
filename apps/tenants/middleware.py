import logging
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from apps.core.redis import redis_client
from apps.tenants.choices import EnterpriseStatus

log = logging.getLogger(__name__)

# hostname → (expires at, tenant, domains version when cached)
_DOMAIN_CACHE: dict[str, tuple[float, object, bytes | None]] = {}
DOMAIN_CACHE_SECONDS = 30
_UNKNOWN = object()


def _version_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'pp')}:tenants:domains"


def _redis():
    return redis_client()


def _domains_version():
    """The park-wide version of the domain → tenant mapping (bumped by ``forget_domains``), or
    ``_UNKNOWN`` when Redis cannot say."""
    try:
        return _redis().get(_version_key())
    except Exception:
        log.warning("tenant domain cache: Redis unavailable, reading the tenant again", exc_info=True)
        return _UNKNOWN


def _local_forget() -> None:
    _DOMAIN_CACHE.clear()


def forget_domains() -> None:
    """After a domain or an enterprise's status changed (call on commit): every web process
    drops its cached tenants, this one at once, the others on their next request to an
    enterprise domain (they compare the version in Redis)."""
    _local_forget()
    try:
        _redis().incr(_version_key())
    except Exception:
        log.warning("tenant domain cache: could not tell other processes", exc_info=True)


class ParkTenantMiddleware(TenantMainMiddleware):
    """django-tenants' domain routing, with the domain → tenant lookup cached in process.

    Resolution is the hot path: without this every request costs a query before any view runs.
    The park's own domain (the public tenant, never suspended) is served from the cache alone;
    an enterprise domain costs one Redis GET, so a suspension elsewhere takes effect at once.
    """

    def get_tenant(self, domain_model, hostname):
        now = time.monotonic()
        hit = _DOMAIN_CACHE.get(hostname)
        if hit and hit[0] > now and hit[1].schema_name == get_public_schema_name():
            return hit[1]
        # Read the version before the tenant: a change in between is seen on the next request.
        version = _domains_version()
        if hit and hit[0] > now and version is not _UNKNOWN and version == hit[2]:
            return hit[1]
        tenant = super().get_tenant(domain_model, hostname)
        if version is not _UNKNOWN:
            _DOMAIN_CACHE[hostname] = (now + DOMAIN_CACHE_SECONDS, tenant, version)
        return tenant


OPEN_PATH_PREFIXES = (
    "/accounts/login",
    "/accounts/logout",
    "/accounts/invitation/",  # an invited administrator sets a password before signing in
    "/bid/wallet-login/",  # apps.bid: enterprise administrators' 星火 wallet login
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
