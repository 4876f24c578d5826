from django.urls import path

from apps.bid.api import views

_auth = [
    path("auth/challenge/", views.ChallengeView.as_view(), name="auth-challenge"),
    path("auth/verify/", views.VerifyView.as_view(), name="auth-verify"),
    # a template's BID setting: shared templates on the park domain, an enterprise's own on its own
    path("templates/<int:id>/", views.BidTemplateView.as_view(), name="template-setting"),
]
# Park domain: the overview for park staff; BIDAuth for anyone.
urlpatterns = [path("overview/", views.OverviewView.as_view(), name="overview"), *_auth]
# Enterprise domain: its BIDs; BIDAuth too.
enterprise_urlpatterns = [
    path("bids/", views.BidListView.as_view(), name="bid-list"),
    path("bids/batch/", views.BidBatchView.as_view(), name="bid-batch"),
    path("bids/<int:id>/", views.BidDetailView.as_view(), name="bid-detail"),
    path("bids/<int:id>/prepare/", views.BidPrepareView.as_view(), name="bid-prepare"),
    path("bids/<int:id>/update/", views.BidUpdateView.as_view(), name="bid-update"),
    path("bids/<int:id>/rotate/", views.BidRotateView.as_view(), name="bid-rotate"),
    path("bids/<int:id>/deactivate/", views.BidDeactivateView.as_view(), name="bid-deactivate"),
    path("lookup/", views.BidLookupView.as_view(), name="bid-lookup"),
    *_auth,
]
