from django.urls import path

from apps.bid import views

app_name = "bid"

# Park domain: the park's AC code, its own BID and the BIDs issued.
urlpatterns = [path("", views.park_bid_view, name="park")]
# Enterprise domain: its BIDs, the holder-signed changes, the wallet.
enterprise_urlpatterns = [
    path("", views.bid_list_view, name="list"),
    path("map/", views.bid_map_view, name="map"),
    path("batch/", views.bid_batch_view, name="batch"),
    path("wallet/", views.wallet_bind_view, name="wallet"),
    path("wallet-login/", views.wallet_login_view, name="wallet_login"),
    path("<int:pk>/", views.bid_detail_view, name="detail"),
    path("<int:pk>/<str:operation>/", views.bid_operation_view, name="operation"),
]
