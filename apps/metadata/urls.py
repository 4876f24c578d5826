from django.urls import path

from apps.metadata import views

app_name = "metadata"

_shared = [
    path("", views.template_list_view, name="template_list"),
    path("new/", views.template_create_view, name="template_create"),
    path("import/", views.template_import_view, name="template_import"),
    path("<int:pk>/", views.template_detail, name="template_detail"),
    path("<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("<int:pk>/draft/", views.draft_create, name="draft_create"),
    path("<int:pk>/v<int:number>/", views.version_detail, name="version_detail"),
    path("<int:pk>/v<int:number>/items/add/", views.item_add, name="item_add"),
    path("<int:pk>/v<int:number>/publish/", views.version_publish, name="version_publish"),
    path("<int:pk>/v<int:number>/export/<str:kind>.json", views.version_export, name="version_export"),
    path("items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_pk>/disable/", views.item_disable, name="item_disable"),
    path("requests/", views.change_request_list_view, name="change_request_list"),
    path("requests/<int:pk>/", views.change_request_detail, name="change_request_detail"),
]

# Park domain: national and park templates, the change-request inbox.
urlpatterns = [
    *_shared,
    path("requests/<int:pk>/<str:decision>/", views.change_request_decide, name="change_request_decide"),
]

# Enterprise domain: browse templates, own enterprise templates, ask for changes, read notices.
enterprise_urlpatterns = [
    *_shared,
    path("<int:pk>/request/", views.change_request_create_view, name="change_request_create"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
]
