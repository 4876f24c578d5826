from django.urls import path

from apps.workbench.api.views import EnterpriseWorkbenchView, ParkWorkbenchView, SearchView

urlpatterns = [
    path("park/", ParkWorkbenchView.as_view(), name="park"),
    path("search/", SearchView.as_view(), name="search"),
]
enterprise_urlpatterns = [
    path("enterprise/", EnterpriseWorkbenchView.as_view(), name="enterprise"),
    path("search/", SearchView.as_view(), name="search"),
]
