from rest_framework.routers import SimpleRouter

from apps.reports.api.views import ReportViewSet

router = SimpleRouter()
router.register("", ReportViewSet, basename="report")

urlpatterns = router.urls
enterprise_urlpatterns = urlpatterns
