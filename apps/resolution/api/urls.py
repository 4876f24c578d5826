from rest_framework.routers import SimpleRouter

from apps.resolution.api.views import ResolutionStatViewSet

router = SimpleRouter()
router.register("stats", ResolutionStatViewSet, basename="stat")

urlpatterns = router.urls
enterprise_urlpatterns = urlpatterns
