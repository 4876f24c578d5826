"""REST API: /api/v1/resolution/stats/ — resolutions per prefix and hour (count, not found,
p50/p99 latency from the hour's latency buckets), as the resolution dashboards read them: the
park's staff every prefix on the park domain, an enterprise's members its own on its domain."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from apps.core.api import FilterSet
from apps.resolution import counters
from apps.resolution.models import ResolutionStat
from apps.tenants.selectors import current_enterprise

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")


class ResolutionStatSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(
        source="enterprise.code", read_only=True, allow_null=True, default=None
    )
    p50_ms = serializers.SerializerMethodField(help_text=_lazy("延迟中位数（毫秒，取所在延迟区间的上界）"))
    p99_ms = serializers.SerializerMethodField(help_text=_lazy("99 分位延迟（毫秒）"))

    class Meta:
        model = ResolutionStat
        fields = ["hour", "prefix", "enterprise", "count", "not_found", "p50_ms", "p99_ms"]
        read_only_fields = fields

    def get_p50_ms(self, obj) -> float | None:
        return counters.percentile(obj.latency_buckets or [], 0.5)

    def get_p99_ms(self, obj) -> float | None:
        return counters.percentile(obj.latency_buckets or [], 0.99)


class HourField(IsoDateTimeField):
    """An ISO 8601 instant, turned into UTC here: PostgreSQL refuses the UTC offsets beyond
    ±15:59 that ISO syntax allows. An instant past the calendar's ends is taken as that end."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None or value.tzinfo is None:
            return value
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            return (
                dt.datetime.min.replace(tzinfo=dt.UTC)
                if value.year == 1
                else dt.datetime.max.replace(tzinfo=dt.UTC)
            )


class HourFilter(filters.IsoDateTimeFilter):
    field_class = HourField


class ResolutionStatFilter(FilterSet):
    prefix = filters.CharFilter(field_name="prefix", lookup_expr="iexact", label=_lazy("前缀"))
    enterprise = filters.CharFilter(
        field_name="enterprise__code", lookup_expr="iexact", label=_lazy("企业代码")
    )
    since = HourFilter(field_name="hour", lookup_expr="gte", label=_lazy("起始小时（含）"))
    until = HourFilter(field_name="hour", lookup_expr="lt", label=_lazy("截止小时（不含）"))

    class Meta:
        model = ResolutionStat
        fields = ["prefix", "enterprise", "since", "until"]


STAT = {
    "hour": "2026-03-18T02:00:00Z",
    "prefix": "88.101.ZLJM",
    "enterprise": "ZLJM",
    "count": 1520,
    "not_found": 3,
    "p50_ms": 2.0,
    "p99_ms": 10.0,
}


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("每个前缀每小时的解析量与延迟"),
        examples=[
            OpenApiExample(
                _lazy("一个小时"),
                value=STAT,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary=_lazy("一个前缀一小时的解析统计"),
        examples=[OpenApiExample(_lazy("一个小时"), value=STAT, response_only=True)],
    ),
)
class ResolutionStatViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResolutionStatSerializer
    filterset_class = ResolutionStatFilter
    queryset = ResolutionStat.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if current_enterprise() is None and not (user.is_superuser or user.park_role in PARK_STAFF):
            raise PermissionDenied(_("只有园区工作人员可以查看全部解析统计"))

    def get_queryset(self):
        rows = ResolutionStat.objects.select_related("enterprise").order_by("-hour", "prefix")
        enterprise = current_enterprise()
        return rows.filter(enterprise=enterprise) if enterprise is not None else rows
