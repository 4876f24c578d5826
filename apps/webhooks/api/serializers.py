from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.core.api import TextField, answer_example, request_example
from apps.webhooks.choices import EventKind
from apps.webhooks.models import Delivery, DeliveryAttempt, Subscription

SUBSCRIPTION = {
    "id": 3,
    "url": "https://erp.zljm.example.cn/hooks/park",
    "description": "ERP 系统",
    "kinds": ["identifier.registered", "prefix.state_changed"],
    "is_active": True,
    "paused": False,
    "paused_at": None,
    "paused_reason": "",
    "secret": "whsec_6f1c0a9e52d84b7f93a0c1d2e3f4a5b6c7d8e9f0a1b2c3d4",
    "created_at": "2026-03-18T10:00:00+08:00",
    "updated_at": "2026-03-18T10:00:00+08:00",
}
SUBSCRIPTION_ANSWER = answer_example(_lazy("一个有效的订阅"), SUBSCRIPTION)
DELIVERY = {
    "id": 42,
    "delivery_id": "8f0c6a52-3f0e-4c1b-9a55-1f7f8f2b6d10",
    "subscription": 3,
    "kind": "prefix.state_changed",
    "state": "delivered",
    "attempts": 1,
    "next_attempt_at": "2026-03-18T02:00:00Z",
    "last_status": 200,
    "last_error": "",
    "created_at": "2026-03-18T02:00:00Z",
    "delivered_at": "2026-03-18T02:00:01Z",
}
EVENT_BODY = {
    "event": 9031,
    "kind": "prefix.state_changed",
    "occurred_at": "2026-03-18T02:00:00.000000Z",
    "enterprise": "ZLJM",
    "actor": "park_admin",
    "object": {"type": "identifiers.prefix", "id": "1", "repr": "88.101.ZLJM"},
    "data": {"status": ["active", "suspended"]},
}


@extend_schema_serializer(examples=[SUBSCRIPTION_ANSWER])
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


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("订阅标识注册与前缀状态"),
            {
                "url": "https://erp.zljm.example.cn/hooks/park",
                "description": "ERP 系统",
                "kinds": ["identifier.registered", "prefix.state_changed"],
                "is_active": True,
            },
        )
    ]
)
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


@extend_schema_serializer(examples=[answer_example(_lazy("一次已送达的投递"), DELIVERY)])
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


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("投递及其每次尝试"),
            {
                **DELIVERY,
                "body": json.dumps(EVENT_BODY, ensure_ascii=False),
                "attempts_log": [
                    {
                        "attempted_at": "2026-03-18T02:00:00Z",
                        "request_headers": {
                            "Content-Type": "application/json",
                            "User-Agent": "ParkPortal-Webhooks/1",
                            "X-Park-Webhook-Id": DELIVERY["delivery_id"],
                            "X-Park-Webhook-Event": "prefix.state_changed",
                            "X-Park-Webhook-Timestamp": "1773799200",
                            "X-Park-Webhook-Signature": "v1=5d2c8a3f0b9e4d1c7a6b5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c",
                        },
                        "response_status": 200,
                        "response_body": "ok",
                        "error": "",
                        "duration_ms": 38,
                    }
                ],
            },
        )
    ]
)
class DeliveryDetailSerializer(DeliverySerializer):
    body = serializers.CharField(read_only=True, help_text=_lazy("请求体（JSON 文本，每次尝试相同）"))
    attempts_log = DeliveryAttemptSerializer(source="attempt_log", many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "body", "attempts_log"]
        read_only_fields = fields
