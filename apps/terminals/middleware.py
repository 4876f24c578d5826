"""Fast lane for the device API on the park domain, as resolution has one for Handle reads.

``POST /api/terminals/{challenge,token,report}`` authenticates with its own nonce and bearer
token: the session, locale, CSRF, auth, messages and membership middleware have nothing to do
for it, so this middleware (right after the tenant middleware) calls the view directly. The
views pick the answer's language themselves (apps.terminals.device_views)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name

DEVICE_API = "/api/terminals/"


class DeviceFastPathMiddleware:
    def __init__(self, get_response):
        from apps.terminals import device_views

        self.get_response = get_response
        self.public = get_public_schema_name()
        self.routes = {
            f"{DEVICE_API}challenge": device_views.challenge,
            f"{DEVICE_API}token": device_views.token,
            f"{DEVICE_API}report": device_views.report,
        }

    def __call__(self, request):
        view = self.routes.get(request.path_info)
        if view is not None:
            tenant = getattr(connection, "tenant", None)
            if tenant is not None and tenant.schema_name == self.public:
                return view(request)
        return self.get_response(request)
