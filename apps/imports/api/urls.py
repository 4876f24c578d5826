from rest_framework.routers import SimpleRouter

from apps.imports.api.onboarding import InvitationViewSet, OnboardingViewSet
from apps.imports.api.views import ImportJobViewSet

router = SimpleRouter()
router.register("jobs", ImportJobViewSet, basename="job")
enterprise_urlpatterns = router.urls

# Park domain only: mass onboarding of enterprises.
park_router = SimpleRouter()
park_router.register("enterprises", OnboardingViewSet, basename="onboarding")
park_router.register("invitations", InvitationViewSet, basename="invitation")
urlpatterns = [*router.urls, *park_router.urls]
