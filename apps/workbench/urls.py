from django.urls import path

from apps.workbench import views

app_name = "workbench"
urlpatterns = [
    path("search/", views.search_view, name="search"),
]
enterprise_urlpatterns = urlpatterns
