"""REST API: /api/v1/buildcases/ — build cases with their items and timeline, and the item
actions of the case page (sign off, attach an artifact, run an automated step) under the same
role rules (apps.buildcases.permissions, checked again by the services): on the park domain the
park's staff read and its administrators and operators work items; on an enterprise domain its
members read its own cases and upload the artifacts of the current stage."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.buildcases import permissions, selectors, services
from apps.buildcases.choices import CaseStatus, Stage
from apps.buildcases.models import BuildCase, CaseArtifact, CaseEvent, CaseItem
from apps.core.api import (
    ERROR_RESPONSES,
    ErrorSerializer,
    FilterSet,
    TextField,
    answer_example,
    request_example,
)
from apps.tenants.selectors import current_enterprise

ARTIFACT = {
    "id": 31,
    "filename": "企业节点部署方案.pdf",
    "size": 482133,
    "sha256": "43c7ecd3943dc7cc113342ff36743f680a92522eb4ea69c3962c534a47ea21b5",
    "uploaded_at": "2026-03-18T10:00:00+08:00",
}
ITEM = {
    "id": 12,
    "stage": "construction",
    "name": "企业节点部署方案",
    "required": True,
    "completion_kind": "artifact",
    "automated_step": "",
    "order": 10,
    "state": "done",
    "note": "",
    "error": "",
    "result": {},
    "task_run": None,
    "done_at": "2026-03-18T10:00:00+08:00",
    "artifacts": [ARTIFACT],
}
CASE = {
    "id": 2,
    "title": "智联精密企业节点建设",
    "mode": "enterprise",
    "enterprise": "ZLJM",
    "stage": "construction",
    "stage_display": "建设",
    "status": "active",
    "started_on": "2026-02-16",
    "target_date": "2026-06-30",
    "stage_entered_at": "2026-03-10T09:00:00+08:00",
    "completed_at": None,
}


@extend_schema_serializer(examples=[answer_example(_lazy("上传的部署方案"), ARTIFACT)])
class ArtifactSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseArtifact
        fields = ["id", "filename", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        answer_example(_lazy("已完成的文档项"), ITEM),
        answer_example(
            _lazy("排队运行的自动检查"),
            {
                **ITEM,
                "id": 15,
                "name": "分配标识前缀",
                "completion_kind": "automated",
                "automated_step": "allocate_prefix",
                "order": 40,
                "state": "running",
                "task_run": 90,
                "done_at": None,
                "artifacts": [],
            },
        ),
    ]
)
class CaseItemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    task_run = serializers.IntegerField(source="task_run_id", read_only=True, allow_null=True)
    automated_step = serializers.CharField(read_only=True, help_text=_lazy("自动步骤（非自动项为空）"))
    result = serializers.JSONField(read_only=True)
    artifacts = ArtifactSerializer(many=True, read_only=True)

    class Meta:
        model = CaseItem
        fields = [
            "id", "stage", "name", "required", "completion_kind", "automated_step", "order", "state", "note",
            "error", "result", "task_run", "done_at", "artifacts",
        ]  # fmt: skip
        read_only_fields = fields


class CaseEventSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "stage", "text", "actor", "created_at"]
        read_only_fields = fields


@extend_schema_serializer(examples=[answer_example(_lazy("建设阶段的企业节点"), CASE)])
class BuildCaseSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(
        source="enterprise.code", read_only=True, allow_null=True, default=None
    )
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = BuildCase
        fields = [
            "id", "title", "mode", "enterprise", "stage", "stage_display", "status", "started_on", "target_date",
            "stage_entered_at", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("建设案例及其检查项与时间线"),
            {
                **CASE,
                "description": "建设企业二级节点，接入园区标识解析体系",
                "items": [ITEM],
                "timeline": [
                    {
                        "id": 25,
                        "kind": "artifact_uploaded",
                        "stage": "construction",
                        "text": "上传文档《企业节点部署方案.pdf》：企业节点部署方案",
                        "actor": "zljm_admin",
                        "created_at": "2026-03-18T10:00:00+08:00",
                    }
                ],
            },
        )
    ]
)
class BuildCaseDetailSerializer(BuildCaseSerializer):
    items = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(BuildCaseSerializer.Meta):
        fields = [*BuildCaseSerializer.Meta.fields, "description", "items", "timeline"]
        read_only_fields = fields

    @extend_schema_field(CaseItemSerializer(many=True))
    def get_items(self, obj) -> list[dict]:
        return CaseItemSerializer(selectors.case_items(obj), many=True).data

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_timeline(self, obj) -> list[dict]:
        events = obj.events.select_related("actor").order_by("-created_at", "-id")[:200]
        return CaseEventSerializer(events, many=True).data


@extend_schema_serializer(examples=[request_example(_lazy("签核意见"), {"note": "现场核验通过"})])
class NoteSerializer(serializers.Serializer):
    note = TextField(trim_whitespace=False, max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_serializer(
    examples=[
        request_example(_lazy("上传文档"), {"file": "企业节点部署方案.pdf"}, media_type="multipart/form-data")
    ]
)
class ArtifactUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class CaseFilter(FilterSet):
    status = filters.ChoiceFilter(choices=CaseStatus.choices, label=_lazy("状态"))
    stage = filters.ChoiceFilter(choices=Stage.choices, label=_lazy("阶段"))

    class Meta:
        model = BuildCase
        fields = ["status", "stage"]


ITEM_PK = OpenApiParameter("item_pk", int, OpenApiParameter.PATH, description=_lazy("检查项编号"))


@extend_schema_view(
    list=extend_schema(summary=_lazy("建设案例列表")),
    retrieve=extend_schema(summary=_lazy("建设案例（检查项与时间线）")),
    sign_off=extend_schema(
        summary=_lazy("检查项签字"),
        parameters=[ITEM_PK],
        request=NoteSerializer,
        responses={200: CaseItemSerializer},
    ),
    upload=extend_schema(
        summary=_lazy("上传检查项文档"),
        parameters=[ITEM_PK],
        request={"multipart/form-data": ArtifactUploadSerializer},
        responses={201: ArtifactSerializer},
    ),
    run=extend_schema(
        summary=_lazy("运行自动步骤（后台任务）"),
        parameters=[ITEM_PK],
        request=None,
        responses={
            202: CaseItemSerializer,
            # an item completed another way (an upload, a sign-off) has no step to run
            400: OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES["400"]),
        },
    ),
)
class BuildCaseViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = CaseFilter
    queryset = BuildCase.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.enterprise = current_enterprise()
        if self.enterprise is None and not permissions.can_view_board(request.user):
            raise PermissionDenied(_("只有园区工作人员可以查看建设案例"))

    def get_serializer_class(self):
        return BuildCaseSerializer if self.action == "list" else BuildCaseDetailSerializer

    def get_queryset(self):
        return selectors.case_list(enterprise=self.enterprise).order_by("-id")

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        case = self.get_queryset().filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None
        if case is None or not permissions.can_view_case(self.request.user, case):
            raise NotFound()
        return case

    def _item(self, case, item_pk) -> CaseItem:
        item_pk = str(item_pk)
        item = case.items.filter(pk=int(item_pk)).first() if item_pk.isdigit() and len(item_pk) < 12 else None
        if item is None:
            raise NotFound()
        return item

    def _park_worker(self):
        if self.enterprise is not None:
            raise PermissionDenied(_("只能在园区域名下处理检查项"))

    @action(
        detail=True,
        methods=["post"],
        url_path=r"items/(?P<item_pk>[^/.]+)/sign-off",
        parser_classes=[JSONParser],
    )
    def sign_off(self, request, pk=None, item_pk=None):
        self._park_worker()
        case = self.get_object()
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.item_sign_off(
            item=self._item(case, item_pk), actor=request.user, note=body.validated_data["note"]
        )
        return Response(CaseItemSerializer(item).data)

    @action(
        detail=True,
        methods=["post"],
        url_path=r"items/(?P<item_pk>[^/.]+)/upload",
        parser_classes=[MultiPartParser],
    )
    def upload(self, request, pk=None, item_pk=None):
        case = self.get_object()
        item = self._item(case, item_pk)
        body = ArtifactUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        artifact = services.artifact_upload(
            case=case, item=item, file=body.validated_data["file"], actor=request.user
        )
        return Response(ArtifactSerializer(artifact).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_pk>[^/.]+)/run")
    def run(self, request, pk=None, item_pk=None):
        self._park_worker()
        case = self.get_object()
        item = self._item(case, item_pk)
        services.step_start(item=item, actor=request.user)
        item.refresh_from_db()
        return Response(CaseItemSerializer(item).data, status=status.HTTP_202_ACCEPTED)
