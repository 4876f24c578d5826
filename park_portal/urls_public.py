"""URLs of the park domain (public schema): the park portal, the APIs and resolution."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from park_portal.urls_common import _patterns, api_urls, app_urls, common_urls, media_urls

admin.site.site_header = _("园区标识一体化门户")
admin.site.site_title = _("园区标识一体化门户")

urlpatterns = [
    path("admin/", admin.site.urls),
    *common_urls(),
    *api_urls("urlpatterns"),
    # Protocol endpoints at fixed paths (Handle REST, SNMS v5) belong to their apps.
    *_patterns("apps.resolution.protocol_urls", "urlpatterns"),
    *_patterns("apps.sync.protocol_urls", "urlpatterns"),
    *_patterns("apps.terminals.protocol_urls", "urlpatterns"),
    # Before the catch-all: /1.0/identifiers/<did> (the DIF Universal Resolver driver path) starts
    # like a handle ("1.0").
    *_patterns("apps.bid.protocol_urls", "urlpatterns"),
    *_patterns("apps.evidence.protocol_urls", "urlpatterns"),
    *app_urls("urlpatterns"),
    *media_urls(),
    # Last: any path whose first segment is a prefix resolves as a handle (GET /88.101.x/obj).
    *_patterns("apps.resolution.protocol_urls", "catchall_urlpatterns"),
]

handler404 = "apps.core.views.page_not_found"
