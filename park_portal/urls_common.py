"""URL plumbing shared by the park (public schema) and enterprise (tenant) URL confs.

Every app owns an ``urls.py`` with ``urlpatterns`` for the park domain and, when it has
enterprise pages, ``enterprise_urlpatterns`` for ``<code>.<park domain>``; and an
``api/urls.py`` with ``urlpatterns`` (park) / ``enterprise_urlpatterns`` (enterprise)
mounted under ``/api/v1/``. Adding a page never means editing these files.
"""

from importlib import import_module

from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.core import views as core_views

PORTAL_APPS = [
    "core",
    "accounts",
    "tenants",
    "audit",
    "tasks",
    "metadata",
    "identifiers",
    "resolution",
    "imports",
    "sync",
    "buildcases",
    "reports",
    "billing",
    "webhooks",
    "workbench",
    "terminals",
    "bid",
    "evidence",
]


def _patterns(module_path: str, attribute: str) -> list:
    try:
        module = import_module(module_path)
    except ModuleNotFoundError as exc:
        if not exc.name or not module_path.startswith(exc.name):
            raise
        return []
    return list(getattr(module, attribute, []))


def app_urls(attribute: str) -> list:
    routes = []
    for app in PORTAL_APPS:
        patterns = _patterns(f"apps.{app}.urls", attribute)
        if patterns:
            prefix = "" if app == "core" else f"{app}/"
            routes.append(path(prefix, include((patterns, app), namespace=app)))
    return routes


def api_urls(attribute: str) -> list:
    routes = []
    for app in PORTAL_APPS:
        patterns = _patterns(f"apps.{app}.api.urls", attribute)
        if patterns:
            routes.append(path(f"api/v1/{app}/", include((patterns, f"{app}-api"), namespace=f"{app}-api")))
    return routes


def common_urls() -> list:
    return [
        path("i18n/", include("django.conf.urls.i18n")),
        path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
        path("healthz", core_views.healthz, name="healthz"),
        path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
        path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    ]


def media_urls() -> list:
    if not settings.DEBUG:
        return []
    from django.conf.urls.static import static

    return static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
