"""REST API: /api/v1/sync/ — the upstream sync's state as the sync page shows it, for the park's
staff: ``overview/`` (backlog, failures, lag), ``entries/`` (outbox rows, by status), and
``retry/`` (failed or stopped rows back to the queue: park administrators and operators)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES, ErrorSerializer, FilterSet, answer_example, request_example
from apps.sync import services
from apps.sync.models import OutboxEntry, OutboxStatus

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")
# Park domain only: an enterprise domain has no such address.
_NOT_HERE = OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES["404"])
RETRY_ROLES = ("park_admin", "park_operator")


def _require_staff(request, roles=PARK_STAFF) -> None:
    from apps.tenants.selectors import current_enterprise

    user = request.user
    if current_enterprise() is not None or not (user.is_superuser or user.park_role in roles):
        raise PermissionDenied(
            _("只有园区工作人员可以查看上级同步")
            if roles == PARK_STAFF
            else _("只有园区管理员或运营人员可以重试同步")
        )


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("有积压与失败的同步"),
            {
                "applicable": True,
                "configured": True,
                "pending": 120,
                "failed": 2,
                "stopped": 0,
                "sent": 182480,
                "not_applicable": 0,
                "waiting_data": 1,
                "lag_seconds": 45,
                "oldest_pending_at": "2026-03-18T09:59:15+08:00",
            },
        )
    ]
)
class OverviewSerializer(serializers.Serializer):
    applicable = serializers.BooleanField(help_text=_lazy("本节点有上级节点"))
    configured = serializers.BooleanField(help_text=_lazy("已设置上级节点地址"))
    pending = serializers.IntegerField(allow_null=True)
    failed = serializers.IntegerField()
    stopped = serializers.IntegerField()
    sent = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    waiting_data = serializers.IntegerField()
    lag_seconds = serializers.IntegerField(help_text=_lazy("最早待同步条目已等待的秒数"))
    oldest_pending_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("一次失败、等待重试的登记"),
            {
                "id": 372,
                "operation": "create",
                "handle": "88.101.ZLJM/TRF2026030001",
                "status": "failed",
                "attempts": 3,
                "next_attempt_at": "2026-03-18T10:08:00+08:00",
                "last_error": "上级节点返回 503 Service Unavailable",
                "created_at": "2026-03-18T10:00:00+08:00",
                "sent_at": None,
            },
        )
    ]
)
class OutboxEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxEntry
        fields = [
            "id",
            "operation",
            "handle",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        request_example(_lazy("重试两条"), {"entries": [372, 373]}),
        request_example(_lazy("重试全部失败条目"), {}),
    ]
)
class RetrySerializer(serializers.Serializer):
    entries = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text=_lazy("留空重试全部失败条目"),
    )


@extend_schema_serializer(examples=[answer_example(_lazy("已重新排队"), {"retried": 2})])
class RetriedSerializer(serializers.Serializer):
    retried = serializers.IntegerField()


class OverviewView(APIView):
    @extend_schema(summary=_lazy("上级同步概况"), responses={200: OverviewSerializer, 404: _NOT_HERE})
    def get(self, request):
        _require_staff(request)
        return Response(OverviewSerializer(services.sync_overview()).data)


class RetryView(APIView):
    @extend_schema(
        summary=_lazy("重试失败或已停止的同步条目"),
        request=RetrySerializer,
        responses={200: RetriedSerializer, 404: _NOT_HERE},
    )
    def post(self, request):
        _require_staff(request, RETRY_ROLES)
        body = RetrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = services.sync_retry(actor=request.user, entry_ids=body.validated_data["entries"] or None)
        return Response({"retried": count})


class OutboxFilter(FilterSet):
    status = filters.ChoiceFilter(choices=OutboxStatus.choices, label=_lazy("状态"))
    handle = filters.CharFilter(field_name="handle", lookup_expr="istartswith", label=_lazy("标识或前缀开头"))

    class Meta:
        model = OutboxEntry
        fields = ["status", "handle"]


@extend_schema(summary=_lazy("同步条目"))
class OutboxEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OutboxEntrySerializer
    filterset_class = OutboxFilter
    queryset = OutboxEntry.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _require_staff(request)

    def get_queryset(self):
        return OutboxEntry.objects.order_by("-id")
