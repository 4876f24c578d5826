"""Fixed protocol paths of resolution (mounted by park_portal/urls_public.py)."""

import os

from django.urls import path, re_path

from apps.resolution import views

urlpatterns = [
    # The handle keeps its '/' as a path separator: /api/handles/88.101.alpha/obj-1
    path("api/handles/<path:handle>", views.handle_rest, name="handle_rest"),
]

# Benchmark-only endpoints (tests/perf/bench_resolution.py); never on unless asked for.
if os.environ.get("PARK_BENCH_ENDPOINTS") == "1":
    from apps.resolution import bench_views

    urlpatterns += bench_views.urlpatterns

# Last in the URL conf: a path whose first segment looks like a prefix (starts with a digit,
# contains a '.') is a handle; portal pages never start with a digit.
catchall_urlpatterns = [
    re_path(r"^(?P<handle>[0-9][^/]*\.[^/]*(?:/.*)?)$", views.handle_page, name="handle_page"),
]
