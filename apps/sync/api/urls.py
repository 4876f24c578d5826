from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.sync.api.views import OutboxEntryViewSet, OverviewView, RetryView

router = SimpleRouter()
router.register("entries", OutboxEntryViewSet, basename="entry")

# Park domain only: the node's link to its upstream is the park's.
urlpatterns = [
    path("overview/", OverviewView.as_view(), name="overview"),
    path("retry/", RetryView.as_view(), name="retry"),
    *router.urls,
]
