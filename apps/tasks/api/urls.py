from rest_framework.routers import SimpleRouter

from apps.tasks.api.views import TaskRunViewSet

router = SimpleRouter()
router.register("runs", TaskRunViewSet, basename="run")

urlpatterns = router.urls
enterprise_urlpatterns = urlpatterns
