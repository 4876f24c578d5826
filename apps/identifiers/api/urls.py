from rest_framework.routers import SimpleRouter

from apps.identifiers.api.prefixes import PrefixViewSet
from apps.identifiers.api.views import IdentifierViewSet

router = SimpleRouter()
router.register("prefixes", PrefixViewSet, basename="prefix")  # before the identifiers' {id} routes
router.register("", IdentifierViewSet, basename="identifier")

urlpatterns = router.urls
enterprise_urlpatterns = router.urls
