from rest_framework.routers import SimpleRouter

from apps.tenants.api.views import ApplicationViewSet, EnterpriseViewSet

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("applications", ApplicationViewSet, basename="application")

# Park domain only: the park's enterprises are not an enterprise's business.
urlpatterns = router.urls
