from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list_view, name="list"),
    path("<int:pk>/", views.report_detail_view, name="detail"),
    path("<int:pk>/download/", views.report_download_view, name="download"),
    path("<int:pk>/filing.json", views.report_filing_json_view, name="filing_json"),
    path("<int:pk>/submit/", views.report_filing_submit_view, name="filing_submit"),
]
# The same views serve the enterprise domain: they scope by the current tenant.
enterprise_urlpatterns = list(urlpatterns)
