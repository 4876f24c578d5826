from django.urls import path

from apps.webhooks import views

app_name = "webhooks"

# The same pages on the park domain (the park's subscriptions) and on an enterprise's (its own).
urlpatterns = [
    path("", views.subscription_list_view, name="subscriptions"),
    path("settings/", views.settings_view, name="settings"),
    path("<int:pk>/", views.subscription_view, name="subscription"),
    path("<int:pk>/<slug:action>/", views.subscription_action_view, name="subscription_action"),
    path("deliveries/<int:pk>/", views.delivery_view, name="delivery"),
]
enterprise_urlpatterns = urlpatterns
