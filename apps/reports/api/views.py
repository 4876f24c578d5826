"""REST API: /api/v1/reports/ — request a report or the monthly filing, poll it, download its PDF,
read the filing JSON, mark a filing submitted. The page's rules: on the park domain the park's
staff read and its administrators and operators request (administrators mark a filing
submitted); on an enterprise domain its administrators request and read its own enterprise
reports. Writes go through apps.reports.services."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from apps.accounts.selectors import is_enterprise_admin
from apps.core.api import ERROR_RESPONSES, ErrorSerializer, FilterSet, TextField, answer_example
from apps.core.errors import ApplicationError
from apps.reports import selectors, services
from apps.reports.choices import ReportKind, ReportStatus
from apps.reports.models import Report
from apps.tenants.selectors import current_enterprise

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")
REQUEST_ROLES = ("park_admin", "park_operator")


FILING_REPORT = {
    "id": 21,
    "kind": "monthly_filing",
    "kind_display": "月度报备",
    "period_start": "2026-02-01",
    "period_end": "2026-02-28",
    "enterprise": None,
    "status": "ready",
    "status_display": "已生成",
    "progress": 100,
    "task_run": 86,
    "pages": 6,
    "summary": {"registrations": 15230, "resolutions": 2861450, "availability": 0.99982},
    "error": "",
    "language": "zh-hans",
    "created_at": "2026-03-01T02:00:00+08:00",
    "generated_at": "2026-03-01T02:01:40+08:00",
}
REPORT_ANSWER = answer_example(_lazy("已生成的月度报备"), FILING_REPORT)
REPORT_PENDING = answer_example(
    _lazy("生成中的企业报告"),
    {
        **FILING_REPORT,
        "id": 22,
        "kind": "enterprise",
        "kind_display": "企业标识报告",
        "period_start": "2026-01-01",
        "period_end": "2026-03-17",
        "enterprise": "ZLJM",
        "status": "pending",
        "status_display": "生成中",
        "progress": 40,
        "task_run": 92,
        "pages": 0,
        "summary": {},
        "created_at": "2026-03-18T10:00:00+08:00",
        "generated_at": None,
    },
)


@extend_schema_serializer(examples=[REPORT_ANSWER, REPORT_PENDING])
class ReportSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(
        source="enterprise.code", read_only=True, allow_null=True, default=None
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    task_run = serializers.IntegerField(source="task_run_id", read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField(help_text=_lazy("生成进度（0–100）"))
    summary = serializers.JSONField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "id", "kind", "kind_display", "period_start", "period_end", "enterprise", "status", "status_display",
            "progress", "task_run", "pages", "summary", "error", "language", "created_at", "generated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, obj) -> int:
        if obj.status == ReportStatus.READY:
            return 100
        return obj.task_run.progress if obj.task_run_id and obj.task_run else 0


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ReportKind.choices, required=False, help_text=_lazy("企业域名下只能是 enterprise")
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text=_lazy("月度报备取 period_start 所在的整月"))
    enterprise = TextField(
        trim_whitespace=False,
        max_length=20,
        required=False,
        help_text=_lazy("企业代码（园区域名下的企业报告）"),
    )


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ReportFilter(FilterSet):
    kind = filters.ChoiceFilter(choices=ReportKind.choices, label=_lazy("报告类型"))
    status = filters.ChoiceFilter(choices=ReportStatus.choices, label=_lazy("状态"))

    class Meta:
        model = Report
        fields = ["kind", "status"]


def _refused(code: str):
    return OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES[code])


@extend_schema_view(
    list=extend_schema(summary=_lazy("报告列表")),
    retrieve=extend_schema(summary=_lazy("报告状态与主要数据（轮询）")),
    create=extend_schema(
        summary=_lazy("申请生成报告或月度报备"),
        request=ReportRequestSerializer,
        responses={202: ReportSerializer},
        examples=[
            OpenApiExample(
                _lazy("2026 年 2 月的月度报备"),
                value={"kind": "monthly_filing", "period_start": "2026-02-01", "period_end": "2026-02-28"},
                request_only=True,
            ),
            REPORT_PENDING,
        ],
    ),
)
class ReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    queryset = Report.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        self.enterprise = current_enterprise()
        if self.enterprise is None:
            if not (user.is_superuser or user.park_role in PARK_STAFF):
                raise PermissionDenied(_("只有园区工作人员可以查看报告"))
            if self.action == "create" and not (user.is_superuser or user.park_role in REQUEST_ROLES):
                raise PermissionDenied(_("只有园区管理员或运营人员可以生成报告"))
            if self.action == "submit" and not (user.is_superuser or user.park_role == "park_admin"):
                raise PermissionDenied(_("只有园区管理员可以标记报送"))
        else:
            if not is_enterprise_admin(user=user, enterprise=self.enterprise):
                raise PermissionDenied(_("只有企业管理员可以查看和生成本企业的报告"))
            if self.action == "submit":
                raise NotFound()

    def finalize_response(self, request, response, *args, **kwargs):
        # an error asked for as PDF still answers in the one error shape, as JSON
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), PdfRenderer
        ):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        if self.enterprise is None:
            return selectors.report_list().select_related("enterprise", "task_run")
        return selectors.report_list(enterprise=self.enterprise).select_related("enterprise", "task_run")

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        report = self.get_queryset().filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None
        if report is None:
            raise NotFound()
        return report

    def create(self, request, *args, **kwargs):
        from apps.tenants.models import Enterprise

        body = ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if self.enterprise is not None:
            kind, enterprise = ReportKind.ENTERPRISE, self.enterprise
            if data.get("kind", kind) != kind:
                raise PermissionDenied(_("企业只能生成本企业的报告"))
        else:
            kind = data.get("kind") or ReportKind.PARK_EVALUATION
            enterprise = None
            if data.get("enterprise"):
                enterprise = Enterprise.objects.filter(
                    code__iexact=data["enterprise"], is_park_operator=False
                ).first()
                if enterprise is None:
                    message = _("企业不存在")
                    raise ApplicationError(message, errors={"enterprise": [message]}, code="not_found")
        report = services.report_request(
            kind=kind,
            period_start=data["period_start"],
            period_end=data["period_end"],
            enterprise=enterprise,
            user=request.user,
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary=_lazy("下载报告 PDF"),
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_lazy("报告 PDF")),
            404: _refused("404"),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        if request.query_params.get(api_settings.URL_FORMAT_OVERRIDE) == "":
            raise NotFound()
        report = self.get_object()
        if report.status != ReportStatus.READY or not report.file:
            raise NotFound(_("报告尚未生成"))
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=report.filename,
            content_type="application/pdf",
        )

    @extend_schema(
        summary=_lazy("月度报备的 JSON（与 PDF 相同的数据）"),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=_lazy("报送上级的 JSON")),
            404: _refused("404"),
        },
        examples=[
            answer_example(
                _lazy("2026 年 2 月的月度报备"),
                {
                    "version": 1,
                    "node": {
                        "name": "数智产业园",
                        "prefix_root": "88.101",
                        "node_mode": "enterprise_node",
                        "domain": "park.example.cn",
                        "operator": "数智产业园运营管理有限公司",
                        "operator_credit_code": "91320594MA1XKL7K3B",
                    },
                    "period": {"month": "2026-02", "start": "2026-02-01", "end": "2026-02-28"},
                    "operation": {
                        "operating_hours": 672.0,
                        "downtime_minutes": 7.5,
                        "enterprises_active": 36,
                        "enterprises_joined": 2,
                        "prefixes": 37,
                    },
                    "sla": {
                        "availability": 0.999814,
                        "availability_basis": "events",
                        "resolution_p50_ms": 2.1,
                        "resolution_p99_ms": 9.8,
                        "registrations": 15230,
                        "identifiers_total": 182604,
                        "withdrawals": 41,
                        "resolutions": 2861450,
                        "resolutions_not_found": 312,
                        "sync_sent": 15230,
                        "sync_pending": 0,
                        "sync_failed": 0,
                    },
                    "maintenance": [
                        {
                            "title": "解析服务器升级",
                            "description": "升级解析服务器版本",
                            "started_at": "2026-02-14T02:00:00+08:00",
                            "ended_at": "2026-02-14T02:07:30+08:00",
                            "service_interrupted": True,
                            "minutes": 7.5,
                        }
                    ],
                    "emergencies": [],
                    "generated_at": "2026-03-01T02:01:40+08:00",
                },
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def filing(self, request, pk=None):
        report = self.get_object()
        filing = report.filings.first() if report.kind == ReportKind.MONTHLY_FILING else None
        if filing is None:
            raise NotFound()
        return Response(filing.body)

    @extend_schema(
        summary=_lazy("标记月度报备已报送"),
        request=None,
        responses={200: ReportSerializer, 400: _refused("400")},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        if report.kind != ReportKind.MONTHLY_FILING or not report.filings.exists():
            raise NotFound()
        services.filing_mark_submitted(report=report, user=request.user)
        return Response(ReportSerializer(self.get_object()).data)
