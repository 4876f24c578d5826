"""REST API: /api/v1/identifiers/prefixes/ — prefixes and their state, as on the enterprise page.

Park domain: the park's staff read every prefix; park administrators suspend (with a reason),
resume and revoke (a reason required) through apps.identifiers.prefixes. Enterprise domain: its
members read its own prefixes."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from apps.core.api import FilterSet, TextField, answer_example, request_example
from apps.identifiers import prefixes, selectors
from apps.identifiers.choices import PrefixStatus, UpstreamStatus
from apps.identifiers.models import Prefix
from apps.tenants.selectors import current_enterprise

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("已生效的企业前缀"),
            {
                "id": 1,
                "prefix": "88.101.ZLJM",
                "enterprise": "ZLJM",
                "status": "active",
                "status_display": "已生效",
                "status_reason": "",
                "upstream_status": "active",
                "upstream_message": "",
                "created_at": "2026-02-16T10:20:00+08:00",
                "updated_at": "2026-03-18T10:00:00+08:00",
            },
        )
    ]
)
class PrefixSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.code", read_only=True, help_text=_lazy("企业代码"))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    status_reason = serializers.SerializerMethodField(help_text=_lazy("最近一次状态变更的原因"))

    class Meta:
        model = Prefix
        fields = [
            "id", "prefix", "enterprise", "status", "status_display", "status_reason", "upstream_status",
            "upstream_message", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_status_reason(self, obj) -> str:
        return self.context.get("reasons", {}).get(obj.pk, "")


@extend_schema_serializer(
    examples=[request_example(_lazy("填写原因"), {"reason": "企业欠缴前缀年费，暂停注册新标识"})]
)
class PrefixReasonSerializer(serializers.Serializer):
    reason = TextField(
        trim_whitespace=False,
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_lazy("原因"),
    )


class PrefixFilter(FilterSet):
    status = filters.ChoiceFilter(choices=PrefixStatus.choices, label=_lazy("状态"))
    upstream_status = filters.ChoiceFilter(choices=UpstreamStatus.choices, label=_lazy("上级节点状态"))
    enterprise = filters.CharFilter(
        field_name="enterprise__code", lookup_expr="iexact", label=_lazy("企业代码")
    )

    class Meta:
        model = Prefix
        fields = ["status", "upstream_status", "enterprise"]


def _action(summary, body=True):
    return extend_schema(
        summary=summary, request=PrefixReasonSerializer if body else None, responses=PrefixSerializer
    )


@extend_schema_view(
    list=extend_schema(summary=_lazy("前缀列表与状态")),
    retrieve=extend_schema(summary=_lazy("前缀详情")),
    suspend=_action(_lazy("暂停前缀（可填原因）")),
    resume=_action(_lazy("恢复前缀"), body=False),
    revoke=_action(_lazy("注销前缀（须填原因，不可恢复）")),
)
class PrefixViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PrefixSerializer
    filterset_class = PrefixFilter
    queryset = Prefix.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        on_park = current_enterprise() is None
        if on_park and not (user.is_superuser or user.park_role in PARK_STAFF):
            raise PermissionDenied(_("只有园区工作人员可以查看全部前缀"))
        if request.method == "POST" and not (
            on_park and (user.is_superuser or user.park_role == "park_admin")
        ):
            raise PermissionDenied(_("只有园区管理员可以暂停、恢复或注销前缀"))

    def get_queryset(self):
        return selectors.prefix_list(enterprise=current_enterprise())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["reasons"] = getattr(self, "_reasons", {})
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self._reasons = selectors.prefix_status_reasons([p.pk for p in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        prefix = self.get_queryset().filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None
        if prefix is None:
            raise NotFound()
        return prefix

    def _answer(self, prefix):
        self._reasons = selectors.prefix_status_reasons([prefix.pk])
        return Response(self.get_serializer(prefix).data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _reason(self, request) -> str:
        body = PrefixReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data["reason"]

    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._answer(
            prefixes.prefix_suspend(
                prefix=self.get_object(), actor=request.user, reason=self._reason(request)
            )
        )

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._answer(prefixes.prefix_resume(prefix=self.get_object(), actor=request.user))

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._answer(
            prefixes.prefix_revoke(prefix=self.get_object(), actor=request.user, reason=self._reason(request))
        )
