"""REST API: /api/v1/imports/enterprises/ on the park domain — mass onboarding for systems. A
park administrator posts one .xlsx of enterprises (the page's template); every row is checked
first and a wrong row refuses the whole file (400, each error naming its row and column, nothing
written); otherwise the applications are stored and their approval runs as a tracked task, whose
progress is read at /api/v1/tasks/runs/{id}/. Writes go through apps.imports.onboarding."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.api import ErrorSerializer, request_example
from apps.imports.onboarding import onboarding_start
from apps.tasks.api.serializers import TaskRunSerializer
from apps.tasks.models import TaskRun


class OnboardingUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_lazy(
            "Excel (.xlsx)，第 1 行为表头：企业名称、简称、统一社会信用代码、企业代码、联系人、"
            "联系电话、联系邮箱、国民经济行业分类、地址（简称、行业分类、地址可空）"
        )
    )


@extend_schema_view(
    create=extend_schema(
        summary=_lazy("企业批量入驻（上传 Excel，后台逐批审批开通）"),
        request={"multipart/form-data": OnboardingUploadSerializer},
        responses={
            202: TaskRunSerializer,
            400: OpenApiResponse(
                response=ErrorSerializer,
                description=_lazy("文件无法读取，或有错误的行（errors.file 逐条列出行与列），未写入任何数据"),
                examples=[
                    OpenApiExample(
                        _lazy("有错误的行"),
                        value={
                            "code": "invalid_rows",
                            "message": "有 2 处错误，未导入任何企业：第 3 行「统一社会信用代码」: 统一社会信用代码无效：应为 18 位且校验位正确",
                            "errors": {
                                "file": [
                                    "第 3 行「统一社会信用代码」: 统一社会信用代码无效：应为 18 位且校验位正确",
                                    "第 5 行「企业代码」: 与第 2 行的企业代码重复",
                                ]
                            },
                        },
                    )
                ],
            ),
        },
        examples=[
            request_example(
                _lazy("上传企业名单"),
                {"file": "2026年3月入驻企业名单.xlsx"},
                media_type="multipart/form-data",
            ),
            OpenApiExample(
                _lazy("已接收，开通中"),
                value={
                    "id": 42,
                    "task": "imports.onboard_enterprises",
                    "title": "批量导入企业：企业名单.xlsx（2 家）",
                    "state": "queued",
                    "state_display": "排队中",
                    "progress": 0,
                    "message": "",
                    "result": {},
                    "finished": False,
                    "attempts": 0,
                    "created_at": "2026-03-18T10:00:00+08:00",
                    "started_at": None,
                    "finished_at": None,
                },
                response_only=True,
                status_codes=["202"],
            ),
            OpenApiExample(
                _lazy("上传企业名单"),
                value={"file": "企业名单.xlsx"},
                request_only=True,
                media_type="multipart/form-data",
            ),
        ],
    ),
)
class OnboardingViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = OnboardingUploadSerializer
    queryset = TaskRun.objects.none()
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if not (user.is_superuser or user.park_role == "park_admin"):
            raise PermissionDenied(_("只有园区管理员可以批量导入企业"))

    def create(self, request, *args, **kwargs):
        body = OnboardingUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = onboarding_start(actor=request.user, uploaded_file=body.validated_data["file"])
        return Response(TaskRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
