from django.urls import path

from apps.terminals.api.views import CredentialViewSet, StatisticsView, TerminalViewSet

_terminals = TerminalViewSet.as_view({"get": "list", "post": "create"})
_terminal = TerminalViewSet.as_view({"get": "retrieve"})

# Park domain: statistics across enterprises.
urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics")]
# Enterprise domain: its terminals and their credentials.
enterprise_urlpatterns = [
    path("terminals/", _terminals, name="terminal-list"),
    path("terminals/<int:id>/", _terminal, name="terminal-detail"),
    path("terminals/<int:id>/rotate/", TerminalViewSet.as_view({"post": "rotate"}), name="terminal-rotate"),
    path("terminals/<int:id>/issue/", TerminalViewSet.as_view({"post": "issue"}), name="terminal-issue"),
    path(
        "terminals/<int:id>/readings/", TerminalViewSet.as_view({"get": "readings"}), name="terminal-readings"
    ),
    path("credentials/<int:id>/", CredentialViewSet.as_view({"get": "retrieve"}), name="credential-detail"),
    path(
        "credentials/<int:id>/suspend/",
        CredentialViewSet.as_view({"post": "suspend"}),
        name="credential-suspend",
    ),
    path(
        "credentials/<int:id>/resume/",
        CredentialViewSet.as_view({"post": "resume"}),
        name="credential-resume",
    ),
    path(
        "credentials/<int:id>/revoke/",
        CredentialViewSet.as_view({"post": "revoke"}),
        name="credential-revoke",
    ),
]
