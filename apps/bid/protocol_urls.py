"""The DIF Universal Resolver driver path, on the park domain (park_portal/urls_public.py)."""

from django.urls import path

from apps.bid import views

urlpatterns = [path("1.0/identifiers/<path:did>", views.resolve_view, name="bid_resolve")]
