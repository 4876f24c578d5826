from django.urls import path

from apps.evidence.api import views

# Park domain: the log (RFC 9162 names), receipts, the witnesses' doors, park staff's figures.
urlpatterns = [
    path("ct/v2/get-sth", views.GetSthView.as_view(), name="get-sth"),
    path("ct/v2/get-sth-consistency", views.GetConsistencyView.as_view(), name="get-sth-consistency"),
    path("ct/v2/get-proof-by-hash", views.GetProofByHashView.as_view(), name="get-proof-by-hash"),
    path("ct/v2/get-entries", views.GetEntriesView.as_view(), name="get-entries"),
    path("ct/v2/add-cosignature", views.CosignView.as_view(), name="add-cosignature"),
    path("ct/v2/report-split-view", views.SplitViewReportView.as_view(), name="report-split-view"),
    path("receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("sth/", views.SthMakeView.as_view(), name="sth-make"),
    path("witnesses/", views.WitnessListView.as_view(), name="witnesses"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]
# Enterprise domain: its evidence.
enterprise_urlpatterns = [
    path("evidence/", views.EvidenceListView.as_view(), name="evidence-list"),
    path("evidence/bulk/", views.EvidenceBulkView.as_view(), name="evidence-bulk"),
    path("evidence/<int:index>/", views.EvidenceDetailView.as_view(), name="evidence-detail"),
    path("evidence/<int:index>/receipt/", views.EvidenceReceiptView.as_view(), name="evidence-receipt"),
    path("types/", views.EvidenceTypeListView.as_view(), name="types"),
]
