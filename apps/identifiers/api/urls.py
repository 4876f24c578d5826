from rest_framework.routers import SimpleRouter

from apps.identifiers.api.access import APIClientViewSet, GrantViewSet
from apps.identifiers.api.prefixes import PrefixViewSet
from apps.identifiers.api.views import IdentifierViewSet

router = SimpleRouter()
# before the identifiers' {id} routes
router.register("prefixes", PrefixViewSet, basename="prefix")
router.register("api-clients", APIClientViewSet, basename="api-client")
router.register("grants", GrantViewSet, basename="grant")
router.register("", IdentifierViewSet, basename="identifier")

urlpatterns = router.urls
enterprise_urlpatterns = router.urls
