from django.urls import path

from apps.sync import views

app_name = "sync"
urlpatterns = [
    path("", views.sync_page, name="page"),
    path("retry/", views.sync_retry, name="retry"),
    path("link/", views.sync_link_update, name="link"),
    path("filing/", views.national_filing, name="filing"),
]
enterprise_urlpatterns = [
    path("prefix/", views.enterprise_prefix_status, name="enterprise_prefix"),
]
