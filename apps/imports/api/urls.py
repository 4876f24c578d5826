from rest_framework.routers import SimpleRouter

from apps.imports.api.views import ImportJobViewSet

router = SimpleRouter()
router.register("jobs", ImportJobViewSet, basename="job")

urlpatterns = router.urls
enterprise_urlpatterns = urlpatterns
