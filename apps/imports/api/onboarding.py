"""REST API: /api/v1/imports/enterprises/ on the park domain — mass onboarding for systems. A
park administrator posts one .xlsx of enterprises (the page's template); every row is checked
first and a wrong row refuses the whole file (400, each error naming its row and column, nothing
written); otherwise the applications are stored and their approval runs as a tracked task, whose
progress is read at /api/v1/tasks/runs/{id}/. Writes go through apps.imports.onboarding."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.api import ErrorSerializer, answer_example, request_example
from apps.core.errors import ApplicationError
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


# ---------------------------------------------------------------- administrators' invitations
class InvitationSerializer(serializers.Serializer):
    """An onboarded administrator's invitation to set their own password."""

    id = serializers.IntegerField(read_only=True)
    enterprise = serializers.CharField(read_only=True, allow_null=True, help_text=_lazy("企业名称"))
    username = serializers.CharField(read_only=True, help_text=_lazy("企业管理员账号"))
    email = serializers.CharField(read_only=True)
    state = serializers.CharField(
        read_only=True, help_text=_lazy("sent 已发送 / accepted 已接受 / expired 已过期")
    )
    state_display = serializers.CharField(read_only=True)
    send_count = serializers.IntegerField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, row):
        return {
            **{k: row[k] for k in ("id", "username", "email", "state", "send_count")},
            "enterprise": row["enterprise"].name if row["enterprise"] is not None else None,
            "state_display": str(row["state_display"]),
            "sent_at": serializers.DateTimeField().to_representation(row["sent_at"])
            if row["sent_at"]
            else None,
            "accepted_at": (
                serializers.DateTimeField().to_representation(row["accepted_at"])
                if row["accepted_at"]
                else None
            ),
        }


INVITATION_EXAMPLE = {
    "id": 7,
    "enterprise": "苏州示例精密制造有限公司",
    "username": "sljm_admin",
    "email": "zhang@example.com",
    "state": "sent",
    "state_display": "已发送",
    "send_count": 1,
    "sent_at": "2026-03-18T10:02:00+08:00",
    "accepted_at": None,
}


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("一次批量入驻的管理员邀请及其状态（已发送 / 已接受 / 已过期）"),
        parameters=[
            OpenApiParameter(
                "run", int, required=True, description=_lazy("批量入驻任务 ID（上传时返回的 TaskRun id）")
            )
        ],
        responses={200: InvitationSerializer(many=True)},
        examples=[answer_example(_lazy("邀请列表"), INVITATION_EXAMPLE)],  # shown as a list of it
    ),
    resend=extend_schema(
        summary=_lazy("重新发送管理员邀请（新链接，旧链接失效）"),
        request=None,
        responses={200: InvitationSerializer},
        examples=[
            answer_example(
                _lazy("已重新发送"),
                {**INVITATION_EXAMPLE, "send_count": 2, "sent_at": "2026-03-25T09:00:00+08:00"},
            ),
            OpenApiExample(
                _lazy("已设置密码，无需再发送"),
                value={
                    "code": "invitation_accepted",
                    "message": "该账号已设置密码，无需再发送邀请",
                    "errors": {},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    ),
)
class InvitationViewSet(viewsets.GenericViewSet):
    """GET /api/v1/imports/invitations/?run={id}; POST /api/v1/imports/invitations/{id}/resend/.
    Park administrators only; writes go through apps.imports.onboarding."""

    serializer_class = InvitationSerializer
    queryset = TaskRun.objects.none()
    pagination_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if not (user.is_superuser or user.park_role == "park_admin"):
            raise PermissionDenied(_("只有园区管理员可以管理企业管理员邀请"))

    def list(self, request, *args, **kwargs):
        from apps.imports.onboarding import onboarding_invitations
        from apps.tasks.selectors import task_run_get

        run_id = request.query_params.get("run", "")
        if not run_id.isdigit():
            raise ValidationError({"run": [_("请给出批量入驻任务 ID")]})
        run = task_run_get(user=request.user, run_id=int(run_id))
        if run is None or run.task_name != "imports.onboard_enterprises":
            raise NotFound()
        return Response(InvitationSerializer(onboarding_invitations(task_run_id=run.pk), many=True).data)

    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        from apps.imports.onboarding import invitation_row, onboarding_invitation_resend

        if not str(pk).isdigit():
            raise NotFound()
        try:
            invitation = onboarding_invitation_resend(invitation_id=int(pk), actor=request.user)
        except ApplicationError as exc:
            if exc.code == "not_found":
                raise NotFound() from None
            raise
        row = invitation_row(invitation)
        return Response(InvitationSerializer(row).data)
