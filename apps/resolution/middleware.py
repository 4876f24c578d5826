"""Fast lane for anonymous machine reads of the park domain.

``/api/handles/…`` without credentials needs none of the session, locale, CSRF, auth, messages
or membership middleware: this middleware (placed right after the tenant middleware) calls the
view directly. (The SNMS detail read needs its bearer token: apps.sync.server.) Requests carrying a session cookie, an
Authorization header or ``auth=true`` take the normal path so authentication works as usual.
The HTML page (catch-all) always takes the normal path (its templates use the full context).
"""

import os

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name

HANDLE_API = "/api/handles/"
BENCH = os.environ.get("PARK_BENCH_ENDPOINTS") == "1"


class ResolutionFastPathMiddleware:
    def __init__(self, get_response):
        # Imported when the middleware chain is built (before gunicorn forks its workers with
        # preload_app), not by each worker's first resolution.
        from apps.resolution import views

        self.get_response = get_response
        self.public = get_public_schema_name()
        self.views = views
        self.floor = None
        if BENCH:
            from apps.resolution import bench_views

            self.floor = bench_views.floor

    def __call__(self, request):
        path = request.path_info
        if path.startswith(HANDLE_API) or (BENCH and path == "/bench/floor"):
            if (
                "HTTP_AUTHORIZATION" not in request.META
                and settings.SESSION_COOKIE_NAME not in request.COOKIES
                and request.GET.get("auth") != "true"
                and request.GET.get("publicOnly") != "false"
                and getattr(connection, "tenant", None) is not None
                and connection.tenant.schema_name == self.public
            ):
                if path == "/bench/floor":
                    return self.floor(request)
                return self.views.handle_rest(request, path[len(HANDLE_API) :])
        return self.get_response(request)
