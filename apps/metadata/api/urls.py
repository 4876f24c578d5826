from rest_framework.routers import SimpleRouter

from apps.metadata.api.views import TemplateViewSet

router = SimpleRouter()
router.register("templates", TemplateViewSet, basename="template")

urlpatterns = router.urls
enterprise_urlpatterns = router.urls
