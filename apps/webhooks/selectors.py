"""Reads of subscriptions and deliveries, always within one subscriber (tenant isolation)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.webhooks.choices import DeliveryState
from apps.webhooks.models import Delivery, Subscription, WebhookSettings


def webhook_settings_get() -> WebhookSettings:
    row = WebhookSettings.objects.order_by("pk").first()
    return row or WebhookSettings(allow_internal_targets=False)


def subscription_list(*, owner) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(enterprise=owner)
        .annotate(pending=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)))
        .order_by("-id")
    )


def subscription_get(*, owner, pk) -> Subscription | None:
    return Subscription.objects.filter(enterprise=owner, pk=pk).first()


def delivery_list(*, owner, subscription: Subscription | None = None) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(subscription__enterprise=owner).select_related("subscription")
    if subscription is not None:
        deliveries = deliveries.filter(subscription=subscription)
    return deliveries.order_by("-id")


def delivery_get(*, owner, pk) -> Delivery | None:
    return (
        Delivery.objects.filter(subscription__enterprise=owner, pk=pk)
        .select_related("subscription")
        .prefetch_related("attempt_log")
        .first()
    )
