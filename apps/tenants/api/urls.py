from rest_framework.routers import SimpleRouter

from apps.tenants.api.members import MembershipViewSet
from apps.tenants.api.views import ApplicationViewSet, EnterpriseViewSet

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("applications", ApplicationViewSet, basename="application")

# Park domain: the park's enterprises and the public application.
urlpatterns = router.urls

# Enterprise domain: its members and their roles.
enterprise_router = SimpleRouter()
enterprise_router.register("members", MembershipViewSet, basename="member")
enterprise_urlpatterns = enterprise_router.urls
