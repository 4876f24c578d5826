"""REST API: /api/v1/webhooks/ on the park domain (the park's subscriptions, park administrators)
and on an enterprise domain (that enterprise's, its administrators). Another subscriber's objects
are 404. Writes go through apps.webhooks.services like the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from apps.core.api import FilterSet
from apps.tenants.selectors import current_enterprise
from apps.webhooks import selectors, services
from apps.webhooks.api.serializers import (
    SUBSCRIPTION_ANSWER,
    DeliveryDetailSerializer,
    DeliverySerializer,
    SubscriptionSerializer,
    SubscriptionWriteSerializer,
)
from apps.webhooks.choices import DeliveryState, EventKind
from apps.webhooks.models import Delivery, Subscription
from apps.webhooks.permissions import owner_for

SUBSCRIPTION_EXAMPLE = OpenApiExample(
    _lazy("订阅标识注册与前缀状态"),
    value={
        "url": "https://erp.example.com/hooks/park",
        "description": "ERP",
        "kinds": ["identifier.registered", "prefix.state_changed"],
    },
    request_only=True,
)
DELIVERY_EXAMPLE = OpenApiExample(
    _lazy("一次已送达的投递"),
    value={
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
    },
    response_only=True,
)


class SubscriptionFilter(FilterSet):
    kind = filters.ChoiceFilter(
        choices=EventKind.choices, method="filter_kind", label=_lazy("订阅了该事件类型")
    )

    class Meta:
        model = Subscription
        fields = ["kind"]

    def filter_kind(self, qs, name, value):
        return qs.filter(kinds__contains=[value])


class SubscriberMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.owner = owner_for(request.user, current_enterprise())
        if self.owner is None:
            raise PermissionDenied(_("只有园区管理员或企业管理员可以管理事件订阅"))


@extend_schema_view(
    list=extend_schema(summary=_lazy("事件订阅列表")),
    retrieve=extend_schema(summary=_lazy("事件订阅详情（含签名密钥）")),
    create=extend_schema(
        summary=_lazy("订阅事件"),
        request=SubscriptionWriteSerializer,
        responses={201: SubscriptionSerializer},
        examples=[SUBSCRIPTION_EXAMPLE, SUBSCRIPTION_ANSWER],
    ),
    update=extend_schema(
        summary=_lazy("修改订阅"),
        request=SubscriptionWriteSerializer,
        responses={200: SubscriptionSerializer},
    ),
    destroy=extend_schema(summary=_lazy("删除订阅")),
)
class SubscriptionViewSet(
    SubscriberMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SubscriptionSerializer
    filterset_class = SubscriptionFilter
    queryset = Subscription.objects.none()
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.subscription_list(owner=self.owner)

    def create(self, request, *args, **kwargs):
        data = SubscriptionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "is_active"}
        subscription = services.subscription_create(owner=self.owner, actor=request.user, **values)
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        subscription = self.get_object()
        data = SubscriptionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_update(
            subscription=subscription, actor=request.user, **data.validated_data
        )
        return Response(SubscriptionSerializer(subscription).data)

    def perform_destroy(self, instance):
        services.subscription_delete(subscription=instance, actor=self.request.user)

    @extend_schema(summary=_lazy("恢复投递（暂停后）"), request=None, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        subscription = services.subscription_resume(subscription=self.get_object(), actor=request.user)
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(summary=_lazy("更换签名密钥"), request=None, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        subscription = services.subscription_rotate_secret(subscription=self.get_object(), actor=request.user)
        return Response(SubscriptionSerializer(subscription).data)


class DeliveryFilter(FilterSet):
    subscription = filters.NumberFilter(field_name="subscription_id", label=_lazy("订阅 ID"))
    state = filters.ChoiceFilter(choices=DeliveryState.choices, label=_lazy("状态"))
    kind = filters.ChoiceFilter(choices=EventKind.choices, label=_lazy("事件类型"))

    class Meta:
        model = Delivery
        fields = ["subscription", "state", "kind"]


@extend_schema_view(
    list=extend_schema(summary=_lazy("投递记录"), examples=[DELIVERY_EXAMPLE]),
    retrieve=extend_schema(summary=_lazy("投递详情（请求体与每次尝试的请求头、响应）")),
)
class DeliveryViewSet(SubscriberMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = DeliveryFilter
    queryset = Delivery.objects.none()

    def get_serializer_class(self):
        return DeliverySerializer if self.action == "list" else DeliveryDetailSerializer

    def get_queryset(self):
        return selectors.delivery_list(owner=self.owner)

    def get_object(self):
        pk = self.kwargs.get("pk", "")
        delivery = selectors.delivery_get(owner=self.owner, pk=pk) if str(pk).isdigit() else None
        if delivery is None:
            raise NotFound()
        return delivery

    @extend_schema(
        summary=_lazy("重新投递（投递 ID 与请求体不变）"), request=None, responses={202: DeliverySerializer}
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        delivery = services.delivery_redeliver(delivery=self.get_object(), actor=request.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
