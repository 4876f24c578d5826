from django.urls import path

from apps.evidence import views

app_name = "evidence"

# Park domain: the park's log page; anyone: an evidence code's page (QR target) and its file check.
urlpatterns = [
    path("", views.park_view, name="park"),
    path("sth/", views.sth_now_view, name="sth_now"),
    path("c/<path:code>", views.public_view, name="public"),
]
# Enterprise domain: its evidence.
enterprise_urlpatterns = [
    path("", views.evidence_list_view, name="list"),
    path("record/", views.record_view, name="record"),
    path("bulk/", views.bulk_view, name="bulk"),
    path("<int:index>/", views.detail_view, name="detail"),
    path("<int:index>/receipt.json", views.receipt_view, name="receipt"),
    path("<int:index>/certificate.pdf", views.certificate_view, name="certificate"),
    path("<int:index>/content", views.content_view, name="content"),
]
