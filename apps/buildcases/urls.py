from django.urls import path

from apps.buildcases import views

app_name = "buildcases"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("new/", views.case_create_view, name="create"),
    path("<int:pk>/", views.case_detail_view, name="detail"),
    path("<int:pk>/plan/", views.plan_view, name="plan"),
    path("<int:pk>/approve/", views.approve_view, name="approve"),
    path("<int:pk>/send-back/", views.send_back_view, name="send_back"),
    path("<int:pk>/items/<int:item_pk>/upload/", views.item_upload_view, name="item_upload"),
    path("<int:pk>/items/<int:item_pk>/sign-off/", views.item_signoff_view, name="item_signoff"),
    path("<int:pk>/items/<int:item_pk>/reopen/", views.item_reopen_view, name="item_reopen"),
    path("<int:pk>/items/<int:item_pk>/run/", views.item_step_view, name="item_step"),
    path("<int:pk>/artifacts/<int:artifact_pk>/", views.artifact_download_view, name="artifact"),
    path("<int:pk>/items/<int:item_pk>/credential/", views.item_credential_view, name="item_credential"),
    path("<int:pk>/runs/<int:run_pk>/status/", views.run_status_view, name="run_status"),
]
# The enterprise domain: its own cases, read-only but for uploads (the views check the rest).
enterprise_urlpatterns = [
    path("", views.board_view, name="board"),
    path("<int:pk>/", views.case_detail_view, name="detail"),
    path("<int:pk>/items/<int:item_pk>/upload/", views.item_upload_view, name="item_upload"),
    path("<int:pk>/artifacts/<int:artifact_pk>/", views.artifact_download_view, name="artifact"),
    path("<int:pk>/items/<int:item_pk>/credential/", views.item_credential_view, name="item_credential"),
    path("<int:pk>/runs/<int:run_pk>/status/", views.run_status_view, name="run_status"),
]
