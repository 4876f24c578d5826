from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.billing.api.views import (
    BalanceView,
    BillingRunViewSet,
    BillViewSet,
    InvoiceRequestViewSet,
    PaymentViewSet,
    PriceListViewSet,
    UsageView,
)

router = SimpleRouter()
router.register("price-lists", PriceListViewSet, basename="price-list")
router.register("bills", BillViewSet, basename="bill")
router.register("runs", BillingRunViewSet, basename="run")
router.register("payments", PaymentViewSet, basename="payment")
router.register("invoice-requests", InvoiceRequestViewSet, basename="invoice-request")

urlpatterns = [
    path("usage/", UsageView.as_view(), name="usage"),
    path("balance/", BalanceView.as_view(), name="balance"),
    *router.urls,
]
enterprise_urlpatterns = urlpatterns
