"""The log key at its well-known URLs on the park domain (mounted by park_portal/urls_public.py)."""

from django.urls import path

from apps.evidence.api import views

urlpatterns = [
    path(".well-known/evidence-log-key.pem", views.log_key_pem, name="evidence_log_key"),
    path(".well-known/evidence-log.json", views.log_key_json, name="evidence_log"),
]
