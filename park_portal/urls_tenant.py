"""URLs of an enterprise domain (<code>.<park domain>, the enterprise's own schema)."""

from park_portal.urls_common import api_urls, app_urls, common_urls, media_urls

urlpatterns = [
    *common_urls(),
    *api_urls("enterprise_urlpatterns"),
    *app_urls("enterprise_urlpatterns"),
    *media_urls(),
]

handler404 = "apps.core.views.page_not_found"
