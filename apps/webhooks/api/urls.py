from rest_framework.routers import SimpleRouter

from apps.webhooks.api.views import DeliveryViewSet, SubscriptionViewSet

router = SimpleRouter()
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("deliveries", DeliveryViewSet, basename="delivery")

urlpatterns = router.urls
enterprise_urlpatterns = urlpatterns
