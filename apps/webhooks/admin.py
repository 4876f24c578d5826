from django.contrib import admin

from apps.webhooks.models import Delivery, Subscription, WebhookSettings


@admin.register(WebhookSettings)
class WebhookSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "allow_internal_targets")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "enterprise", "is_active", "paused_at", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("secret",)
    exclude = ()


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("uid", "subscription", "kind", "state", "attempts", "last_status", "created_at")
    list_filter = ("state", "kind")
    readonly_fields = [f.name for f in Delivery._meta.fields]
