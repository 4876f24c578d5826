"""The device API at fixed paths on the park domain (mounted by park_portal/urls_public.py)."""

from django.urls import path

from apps.terminals import device_views

urlpatterns = [
    path("api/terminals/challenge", device_views.challenge, name="terminal_challenge"),
    path("api/terminals/token", device_views.token, name="terminal_token"),
    path("api/terminals/report", device_views.report, name="terminal_report"),
]
