"""REST API: /api/v1/metadata/templates/ — metadata templates, read-only.

A program registering identifiers needs the items it must send: the list, a template with its
effective items (inheritance applied) under the current published version (or ``?version=N``),
and ``schema/``, the JSON Schema of the ``values`` object /api/v1/identifiers/ accepts.
Enterprise domain: national, park and that enterprise's templates. Park domain: park staff see
every template; other users the shared ones and their enterprises' own.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.api import FilterSet, answer_example
from apps.core.pagination import query_integer
from apps.metadata.api.serializers import TemplateDetailSerializer, TemplateSerializer
from apps.metadata.choices import ObjectCategory, TemplateLevel, VersionStatus
from apps.metadata.models import MetadataTemplate, TemplateVersion
from apps.tenants.selectors import current_enterprise

VERSION_PARAM = OpenApiParameter(
    "version", {"type": "integer", "minimum": 1}, description=_lazy("已发布的版本号；省略则为当前版本")
)


class TemplateFilter(FilterSet):
    q = filters.CharFilter(method="filter_q", label=_lazy("编码或名称"))
    level = filters.ChoiceFilter(choices=TemplateLevel.choices, label=_lazy("层级"))
    category = filters.ChoiceFilter(choices=ObjectCategory.choices, label=_lazy("对象类别"))

    class Meta:
        model = MetadataTemplate
        fields = ["level", "category"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value))


@extend_schema_view(
    list=extend_schema(summary=_lazy("元数据模板列表")),
    retrieve=extend_schema(
        summary=_lazy("元数据模板详情（含继承后的全部数据项）"), parameters=[VERSION_PARAM]
    ),
)
class TemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = TemplateFilter
    queryset = MetadataTemplate.objects.none()

    def get_serializer_class(self):
        return TemplateSerializer if self.action == "list" else TemplateDetailSerializer

    def get_queryset(self):
        from apps.metadata.selectors import templates_for_enterprise, templates_readable_by

        tenant = current_enterprise()
        if tenant is not None:
            return templates_for_enterprise(tenant, published_only=True)
        return templates_readable_by(self.request.user)

    def _version(self, template: MetadataTemplate) -> TemplateVersion | None:
        from apps.metadata.selectors import template_current_version

        if self.action == "list":
            return self._current_versions.get(template.pk)
        number = query_integer(self.request.query_params, "version")
        if number is None:
            return template_current_version(template)
        version = TemplateVersion.objects.filter(
            template=template, number=number, status=VersionStatus.PUBLISHED
        ).first()
        if version is None:
            raise NotFound(
                _("模板 %(code)s 没有已发布的版本 %(number)s") % {"code": template.code, "number": number}
            )
        return version

    def paginate_queryset(self, queryset):
        """The page's current versions in one query, not one per row."""
        from apps.metadata.selectors import template_current_versions

        page = super().paginate_queryset(queryset)
        self._current_versions = template_current_versions(page if page is not None else queryset)
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        cache: dict[int, TemplateVersion | None] = {}

        def versions(template):
            if template.pk not in cache:
                cache[template.pk] = self._version(template)
            return cache[template.pk]

        context["versions"] = versions
        return context

    @extend_schema(
        summary=_lazy("模板的 JSON Schema（标识 values 对象的格式）"),
        parameters=[VERSION_PARAM],
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            answer_example(
                _lazy("变压器产品模板的 JSON Schema"),
                {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$id": "urn:park-portal:template:ENT-ZLJM-PRODUCT:v1",
                    "title": "智联精密 变压器产品模板 v1",
                    "type": "object",
                    "properties": {
                        "name": {"title": "产品名称", "type": "string", "maxLength": 60, "x-index": 2000},
                        "rated_capacity": {
                            "title": "额定容量",
                            "type": "number",
                            "minimum": 0,
                            "x-unit": "kVA",
                            "x-index": 2106,
                        },
                        "qc_result": {
                            "title": "质检结果",
                            "type": "string",
                            "enum": ["合格", "不合格", "复检合格"],
                            "x-index": 2104,
                        },
                    },
                    "required": ["name", "rated_capacity"],
                    "additionalProperties": False,
                },
            )
        ],
    )
    @action(detail=True, methods=["get"], url_path="schema", url_name="schema")
    def json_schema(self, request, pk=None):
        from apps.metadata.exchange import template_json_schema

        template = self.get_object()
        version = self._version(template)
        if version is None:
            raise NotFound(_("模板 %(code)s 还没有已发布的版本") % {"code": template.code})
        return Response(template_json_schema(version))
