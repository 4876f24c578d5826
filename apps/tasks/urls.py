from django.urls import path

from apps.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/status/", views.run_status, name="run_status"),
]
enterprise_urlpatterns = urlpatterns
