"""REST API: /api/v1/imports/jobs/ — the import page's flow for systems: upload a file (its dry
run starts at once as a tracked task), read the job and its row errors as JSON, confirm, download
the error workbook. The page's rules: on the park domain the park's administrators and operators
import park facilities under the operator's prefix and the auditor reads; on an enterprise domain
its members import its own objects. Writes go through apps.imports.services."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from apps.core.api import ERROR_RESPONSES, ErrorSerializer, FilterSet, answer_example, request_example
from apps.core.errors import ApplicationError
from apps.imports import services
from apps.imports.choices import ImportState
from apps.imports.models import ImportJob
from apps.imports.selectors import acting_enterprise, import_job_list, importable_templates
from apps.metadata.selectors import template_current_version
from apps.tenants.selectors import current_enterprise

PARK_IMPORTERS = ("park_admin", "park_operator")
PARK_READERS = ("park_admin", "park_operator", "park_auditor")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


IMPORT_JOB = {
    "id": 9,
    "original_name": "2026年3月变压器出厂台账.xlsx",
    "file_format": "xlsx",
    "file_size": 84512,
    "template": "PARK-MFG",
    "template_version": 2,
    "state": "validated",
    "state_display": "校验通过，待确认",
    "total_rows": 1200,
    "create_count": 1180,
    "update_count": 20,
    "unchanged_count": 0,
    "error_count": 0,
    "message": "",
    "can_confirm": True,
    "validate_run": 87,
    "apply_run": None,
    "created_at": "2026-03-18T10:00:00+08:00",
    "applied_at": None,
}


@extend_schema_serializer(
    examples=[
        answer_example(_lazy("校验通过，待确认"), IMPORT_JOB),
        answer_example(
            _lazy("确认后导入中"),
            {
                **IMPORT_JOB,
                "state": "applying",
                "state_display": "导入中",
                "can_confirm": False,
                "apply_run": 91,
            },
        ),
    ]
)
class ImportJobSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template_version.template.code", read_only=True)
    template_version = serializers.IntegerField(source="template_version.number", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    validate_run = serializers.IntegerField(source="validate_run_id", read_only=True, allow_null=True)
    apply_run = serializers.IntegerField(source="apply_run_id", read_only=True, allow_null=True)
    can_confirm = serializers.BooleanField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "original_name", "file_format", "file_size", "template", "template_version", "state",
            "state_display", "total_rows", "create_count", "update_count", "unchanged_count", "error_count",
            "message", "can_confirm", "validate_run", "apply_run", "created_at", "applied_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("上传 Excel 台账"),
            {"template": 4, "file": "2026年3月变压器出厂台账.xlsx"},
            media_type="multipart/form-data",
        )
    ]
)
class ImportUploadSerializer(serializers.Serializer):
    template = serializers.IntegerField(min_value=1, help_text=_lazy("元数据模板 ID（按其当前发布版本导入）"))
    file = serializers.FileField(help_text=_lazy(".xlsx 或 CSV（UTF-8 或 GBK）"))


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("一行的错误"),
            {
                "row": 17,
                "column": "额定容量",
                "code": "rated_capacity",
                "message": "应为数字",
                "text": "第 17 行「额定容量」: 应为数字",
            },
        )
    ]
)
class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text=_lazy("Excel 行号；整份文件的问题为空"))
    column = serializers.CharField(allow_blank=True, required=False)
    code = serializers.CharField(allow_blank=True, required=False)
    message = serializers.CharField()
    text = serializers.CharField(help_text=_lazy("“第 N 行「列」: 错误”"))


class XlsxRenderer(BaseRenderer):
    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ImportJobFilter(FilterSet):
    state = filters.ChoiceFilter(choices=ImportState.choices, label=_lazy("状态"))

    class Meta:
        model = ImportJob
        fields = ["state"]


def _refused(code: str):
    return OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES[code])


@extend_schema_view(
    list=extend_schema(summary=_lazy("导入任务列表")),
    retrieve=extend_schema(summary=_lazy("导入任务（状态、计数、校验与导入的后台任务）")),
    create=extend_schema(
        summary=_lazy("上传文件并开始校验（试运行，不写入任何数据）"),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer},
    ),
)
class ImportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilter
    queryset = ImportJob.objects.none()
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if current_enterprise() is None and not user.is_superuser:
            roles = PARK_IMPORTERS if request.method == "POST" else PARK_READERS
            if user.park_role not in roles:
                raise PermissionDenied(
                    _("无权使用园区的导入")
                    if request.method != "POST"
                    else _("只有园区管理员或运营人员可以导入")
                )

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), XlsxRenderer
        ):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        return import_job_list().order_by("-id")

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        job = self.get_queryset().filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None
        if job is None:
            raise NotFound()
        return job

    def create(self, request, *args, **kwargs):
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        templates = importable_templates(
            enterprise=acting_enterprise(), park_domain=current_enterprise() is None
        )
        template = templates.filter(pk=body.validated_data["template"]).first()
        if template is None:
            message = _("该域名下不能按此模板导入")
            raise ApplicationError(message, errors={"template": [message]}, code="template")
        job = services.import_job_create(
            actor=request.user,
            enterprise=acting_enterprise(),
            template_version=template_current_version(template),
            uploaded_file=body.validated_data["file"],
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary=_lazy("逐行错误（JSON，分页）"), responses={200: RowErrorSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def errors(self, request, pk=None):
        job = self.get_object()
        rows = [
            {
                "row": e.get("row"),
                "column": e.get("column", ""),
                "code": e.get("code", ""),
                "message": e["message"],
                "text": services.format_error(e),
            }
            for e in self.paginate_queryset(job.errors)
        ]
        return self.get_paginated_response(RowErrorSerializer(rows, many=True).data)

    @extend_schema(
        summary=_lazy("确认导入（开始写入）"),
        request=None,
        responses={202: ImportJobSerializer, 400: _refused("400")},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def confirm(self, request, pk=None):
        if current_enterprise() is None and not (
            request.user.is_superuser or request.user.park_role in PARK_IMPORTERS
        ):
            raise PermissionDenied(_("只有园区管理员或运营人员可以导入"))
        job = services.import_job_confirm(job=self.get_object(), actor=request.user)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary=_lazy("下载错误报告（Excel）"),
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=_lazy("错误报告")),
            404: _refused("404"),
        },
    )
    @action(
        detail=True, methods=["get"], url_path="error-workbook", renderer_classes=[JSONRenderer, XlsxRenderer]
    )
    def error_workbook(self, request, pk=None):
        if request.query_params.get(api_settings.URL_FORMAT_OVERRIDE) == "":
            raise NotFound()
        job = self.get_object()
        if not job.errors:
            raise NotFound(_("该导入没有错误"))
        buffer = io.BytesIO()
        services.import_job_error_report(job=job, out=buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
        return response
