"""REST API: /api/v1/tenants/ on the park domain.

``enterprises/``: the park's staff (admin, operator, auditor) list and read enterprises and their
applications, as on the pages; park administrators approve, reject, suspend and resume them
through apps.tenants.services. ``applications/``: anyone applies to join the park (no login), with
the public form's rules."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES, ErrorSerializer, FilterSet, answer_example
from apps.tenants import selectors, services
from apps.tenants.api.serializers import (
    ApplicationResultSerializer,
    ApplicationSerializer,
    ApprovalSerializer,
    EnterpriseDetailSerializer,
    EnterpriseSerializer,
    ReasonSerializer,
)
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.forms import EnterpriseApplicationForm
from apps.tenants.models import Enterprise

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")


def _is_staff(user) -> bool:
    return user.is_superuser or user.park_role in PARK_STAFF


def _is_admin(user) -> bool:
    return user.is_superuser or user.park_role == "park_admin"


class EnterpriseFilter(FilterSet):
    status = filters.ChoiceFilter(choices=EnterpriseStatus.choices, label=_lazy("状态"))
    q = filters.CharFilter(method="filter_q", label=_lazy("名称、简称、企业代码或统一社会信用代码"))

    class Meta:
        model = Enterprise
        fields = ["status", "q"]

    def filter_q(self, qs, name, value):
        return qs & selectors.enterprise_list(q=value.strip())


def _action(summary, request=ReasonSerializer, response=EnterpriseDetailSerializer):
    return extend_schema(summary=summary, request=request, responses={200: response})


@extend_schema_view(
    list=extend_schema(summary=_lazy("入园企业与申请列表")),
    retrieve=extend_schema(summary=_lazy("企业详情（含前缀）")),
    approve=_action(
        _lazy("批准入园申请（开通租户、管理员与前缀）"), request=None, response=ApprovalSerializer
    ),
    reject=_action(_lazy("驳回入园申请（须填写原因）")),
    suspend=_action(_lazy("暂停企业（暂停其前缀的注册）")),
    resume=_action(_lazy("恢复企业"), request=None),
)
class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = EnterpriseFilter
    queryset = Enterprise.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not _is_staff(request.user):
            raise PermissionDenied(_("只有园区工作人员可以查看企业"))
        if request.method == "POST" and not _is_admin(request.user):
            raise PermissionDenied(_("只有园区管理员可以审核或暂停企业"))

    def get_serializer_class(self):
        return EnterpriseSerializer if self.action == "list" else EnterpriseDetailSerializer

    def get_queryset(self):
        return selectors.enterprise_list().prefetch_related("prefixes")

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        enterprise = selectors.enterprise_get(pk=int(pk)) if pk.isdigit() and len(pk) < 12 else None
        if enterprise is None:
            raise NotFound()
        return enterprise

    def _reason(self, request) -> str:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data["reason"]

    def _answer(self, enterprise):
        enterprise.refresh_from_db()
        return Response(EnterpriseDetailSerializer(enterprise).data)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        result = services.enterprise_approve(enterprise=self.get_object(), actor=request.user)
        data = {
            "enterprise": result.enterprise,
            "created": result.created,
            "admin_username": result.admin_user.username if result.created and result.admin_user else None,
            "initial_password": result.initial_password if result.created else None,
            "domain": services.domain_for(result.enterprise),
        }
        return Response(ApprovalSerializer(data).data)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        enterprise = self.get_object()
        services.enterprise_reject(enterprise=enterprise, actor=request.user, reason=self._reason(request))
        return self._answer(enterprise)

    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        enterprise = self.get_object()
        services.enterprise_suspend(enterprise=enterprise, actor=request.user, reason=self._reason(request))
        return self._answer(enterprise)

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        enterprise = self.get_object()
        services.enterprise_resume(enterprise=enterprise, actor=request.user)
        return self._answer(enterprise)


@extend_schema_view(
    create=extend_schema(
        summary=_lazy("申请入园（无需登录）"),
        request=ApplicationSerializer,
        # park domain only: 404 on an enterprise domain
        responses={
            201: ApplicationResultSerializer,
            404: OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES["404"]),
        },
        auth=[],
        examples=[
            OpenApiExample(
                _lazy("一份申请"),
                value={
                    "name": "苏州智联精密制造有限公司",
                    "credit_code": "91320594MA1N2K8B0J",
                    "code": "ZLJM",
                    "contact_name": "张三",
                    "contact_phone": "13800000000",
                    "contact_email": "zhang@example.com",
                },
                request_only=True,
            ),
            answer_example(_lazy("申请已受理"), {"id": 5, "code": "ZLJM", "status": "applied"}),
        ],
    )
)
class ApplicationViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ApplicationSerializer

    def create(self, request, *args, **kwargs):
        body = ApplicationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = EnterpriseApplicationForm(data={k: v for k, v in body.validated_data.items()})
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        enterprise = services.enterprise_apply(**form.cleaned_data)
        return Response(ApplicationResultSerializer(enterprise).data, status=status.HTTP_201_CREATED)
