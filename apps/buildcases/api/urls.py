from rest_framework.routers import SimpleRouter

from apps.buildcases.api.views import BuildCaseViewSet

router = SimpleRouter()
router.register("cases", BuildCaseViewSet, basename="case")

urlpatterns = router.urls
enterprise_urlpatterns = urlpatterns
