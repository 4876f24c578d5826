from django.urls import path

from apps.tenants import views

app_name = "tenants"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/done/", views.apply_done, name="apply_done"),
    path("", views.enterprise_list_view, name="enterprise_list"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/upstream-info/", views.enterprise_upstream_info_view, name="enterprise_upstream_info"),
    path("<int:pk>/approve/", views.enterprise_approve_view, name="enterprise_approve"),
    path("<int:pk>/reject/", views.enterprise_reject_view, name="enterprise_reject"),
    path("<int:pk>/suspend/", views.enterprise_suspend_view, name="enterprise_suspend"),
    path("<int:pk>/resume/", views.enterprise_resume_view, name="enterprise_resume"),
    path("<int:pk>/prefixes/<int:prefix_pk>/<str:action>/", views.prefix_action_view, name="prefix_action"),
]

# Enterprise domain: the enterprise administrator's member page.
enterprise_urlpatterns = [
    path("members/", views.member_list_view, name="members"),
    path("members/<int:pk>/role/", views.member_role_view, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove_view, name="member_remove"),
]
