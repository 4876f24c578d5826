from django.urls import path

from apps.imports import views

app_name = "imports"

# The same pages on both domains: the park operator imports park facilities on the park
# domain, each enterprise its own objects on its domain.
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("template/<int:pk>.xlsx", views.template_download, name="template_download"),
    path("export/", views.export_view, name="export"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("<int:pk>/errors.xlsx", views.error_report, name="error_report"),
]
enterprise_urlpatterns = list(urlpatterns)

# Park domain only: a park administrator brings many enterprises in at once.
urlpatterns += [
    path("enterprises/", views.onboarding_view, name="onboarding"),
    path("enterprises/template.xlsx", views.onboarding_template_view, name="onboarding_template"),
    path(
        "enterprises/<int:run_id>/invitations/",
        views.onboarding_invitations_view,
        name="onboarding_invitations",
    ),
    path(
        "enterprises/invitations/<int:pk>/resend/",
        views.onboarding_invitation_resend_view,
        name="onboarding_invitation_resend",
    ),
]
