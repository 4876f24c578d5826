from django.urls import path

from apps.resolution import views

app_name = "resolution"
urlpatterns = [path("", views.park_dashboard, name="dashboard")]
enterprise_urlpatterns = [path("", views.enterprise_dashboard, name="enterprise_dashboard")]
