"""Fast path of the DID resolver path on the park domain: ``GET /1.0/identifiers/<did>`` skips
the session, locale, CSRF, auth and membership middleware, as Handle REST reads do
(apps.resolution.middleware); with credentials it goes the whole way (and is answered the same)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name

from apps.bid.resolve import PATH


class BidResolverFastPathMiddleware:
    def __init__(self, get_response):
        from apps.bid import views

        self.get_response = get_response
        self.public = get_public_schema_name()
        self.views = views

    def __call__(self, request):
        path = request.path_info
        if (
            path.startswith(PATH)
            and "HTTP_AUTHORIZATION" not in request.META
            and getattr(connection, "tenant", None) is not None
            and connection.tenant.schema_name == self.public
        ):
            return self.views.resolve_view(request, path[len(PATH) :])
        return self.get_response(request)
