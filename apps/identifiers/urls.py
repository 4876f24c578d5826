from django.urls import path

from apps.identifiers import views

app_name = "identifiers"

_shared = [
    path("", views.identifier_list_view, name="list"),
    path("new/", views.template_choose_view, name="choose_template"),
    path("new/<int:template_pk>/", views.identifier_create_view, name="create"),
    path("labels.pdf", views.labels_view, name="labels"),
    path("<int:pk>/", views.identifier_detail_view, name="detail"),
    path("<int:pk>/edit/", views.identifier_edit_view, name="edit"),
    path("<int:pk>/withdraw/", views.identifier_withdraw_view, name="withdraw"),
    path("<int:pk>/qr.<str:kind>", views.identifier_qr_view, name="qr"),
    path("<int:pk>/attachments/<int:att_pk>/", views.attachment_view, name="attachment"),
    path("grants/", views.grant_list_view, name="grants"),
    path("grants/<int:pk>/revoke/", views.grant_revoke_view, name="grant_revoke"),
    path("api-access/", views.api_access_view, name="api_access"),
]

# Park domain: every identifier of the park (public values); the operator's own registrations.
urlpatterns = list(_shared)
# Enterprise domain: the enterprise's identifiers, grants, API clients.
enterprise_urlpatterns = list(_shared)
