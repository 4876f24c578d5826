from django.urls import path

from apps.terminals import views

app_name = "terminals"

# Park domain: statistics across enterprises.
urlpatterns = [
    path("", views.park_statistics_view, name="park_statistics"),
]
# Enterprise domain: its terminals.
enterprise_urlpatterns = [
    path("", views.terminal_list_view, name="list"),
    path("enrol/", views.terminal_enrol_view, name="enrol"),
    path("<int:pk>/", views.terminal_detail_view, name="detail"),
    path("<int:pk>/<str:action>/", views.credential_action_view, name="terminal_action"),
    path(
        "<int:pk>/credentials/<int:credential_pk>/<str:action>/",
        views.credential_action_view,
        name="credential_action",
    ),
]
