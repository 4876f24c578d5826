from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from apps.core.api import TextField
from apps.webhooks.choices import EventKind
from apps.webhooks.models import Delivery, DeliveryAttempt, Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EventKind.choices),
        min_length=1,
        help_text=_lazy("订阅的事件类型"),
    )
    secret = serializers.CharField(read_only=True, help_text=_lazy("签名密钥：HMAC-SHA256 的密钥"))
    paused = serializers.SerializerMethodField(help_text=_lazy("连续失败后暂停投递"))

    class Meta:
        model = Subscription
        fields = [
            "id", "url", "description", "kinds", "is_active", "paused", "paused_at", "paused_reason", "secret",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "paused_at", "paused_reason", "secret", "created_at", "updated_at"]

    def get_paused(self, obj) -> bool:
        return obj.paused_at is not None


class SubscriptionWriteSerializer(serializers.Serializer):
    url = TextField(trim_whitespace=False, max_length=500, help_text=_lazy("接收地址（http 或 https）"))
    description = TextField(
        trim_whitespace=False, max_length=200, required=False, allow_blank=True, default=""
    )
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=EventKind.choices), min_length=1)
    is_active = serializers.BooleanField(required=False)


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = [
            "attempted_at",
            "request_headers",
            "response_status",
            "response_body",
            "error",
            "duration_ms",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True)
    delivery_id = serializers.UUIDField(source="uid", read_only=True, help_text=_lazy("X-Park-Webhook-Id"))
    subscription = serializers.IntegerField(source="subscription_id", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id", "delivery_id", "subscription", "kind", "state", "attempts", "next_attempt_at", "last_status",
            "last_error", "created_at", "delivered_at",
        ]  # fmt: skip
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    body = serializers.CharField(read_only=True, help_text=_lazy("请求体（JSON 文本，每次尝试相同）"))
    attempts_log = DeliveryAttemptSerializer(source="attempt_log", many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "body", "attempts_log"]
        read_only_fields = fields
