"""REST API: /api/v1/tenants/members/ on an enterprise domain — its users and their roles, for
its administrators, as on the members page (apps.tenants.memberships: the last administrator is
never demoted or removed; a new username gets an initial password shown once)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from apps.accounts.choices import EnterpriseRole
from apps.accounts.models import Membership
from apps.core.api import (
    ERROR_RESPONSES,
    ErrorSerializer,
    FilterSet,
    TextField,
    answer_example,
    request_example,
)
from apps.tenants import memberships, selectors
from apps.tenants.selectors import current_enterprise

MEMBERSHIP = {
    "id": 3,
    "username": "zljm_zhangwei",
    "display_name": "张伟",
    "email": "zhangwei@zljm.example.cn",
    "role": "enterprise_member",
    "role_display": "企业成员",
    "created_at": "2026-03-18T10:00:00+08:00",
}


@extend_schema_serializer(examples=[answer_example(_lazy("企业成员"), MEMBERSHIP)])
class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True, default="")
    email = serializers.CharField(source="user.email", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "display_name", "email", "role", "role_display", "created_at"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("添加一名成员"),
            {
                "username": "zljm_zhangwei",
                "role": "enterprise_member",
                "display_name": "张伟",
                "email": "zhangwei@zljm.example.cn",
                "phone": "13812340002",
            },
        )
    ]
)
class MemberAddSerializer(serializers.Serializer):
    username = TextField(trim_whitespace=False, max_length=150)
    role = serializers.ChoiceField(choices=EnterpriseRole.choices, default=EnterpriseRole.ENTERPRISE_MEMBER)
    display_name = TextField(
        trim_whitespace=False, max_length=50, required=False, allow_blank=True, default=""
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = TextField(trim_whitespace=False, max_length=30, required=False, allow_blank=True, default="")


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("新建账号并加入本企业"), {"membership": MEMBERSHIP, "initial_password": "Qm4!tR8w#Lc2"}
        )
    ]
)
class MemberAddedSerializer(serializers.Serializer):
    membership = MembershipSerializer(read_only=True)
    initial_password = serializers.CharField(
        read_only=True, allow_null=True, help_text=_lazy("新建用户的初始密码，只在本次响应中出现")
    )


@extend_schema_serializer(examples=[request_example(_lazy("设为企业管理员"), {"role": "enterprise_admin"})])
class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=EnterpriseRole.choices)


class MembershipFilter(FilterSet):
    role = filters.ChoiceFilter(choices=EnterpriseRole.choices, label=_lazy("角色"))
    q = filters.CharFilter(method="filter_q", label=_lazy("用户名、姓名或邮箱包含"))

    class Meta:
        model = Membership
        fields = ["role"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(user__username__icontains=value)
            | Q(user__display_name__icontains=value)
            | Q(user__email__icontains=value)
        )


@extend_schema_view(
    list=extend_schema(summary=_lazy("企业成员与角色")),
    retrieve=extend_schema(summary=_lazy("一个成员")),
    create=extend_schema(
        summary=_lazy("添加成员（新用户名将创建账号）"),
        request=MemberAddSerializer,
        responses={
            201: MemberAddedSerializer,
            404: OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES["404"]),
        },
    ),
    partial_update=extend_schema(
        summary=_lazy("更改成员角色"), request=RoleSerializer, responses={200: MembershipSerializer}
    ),
    destroy=extend_schema(summary=_lazy("移出本企业")),
)
class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    queryset = Membership.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.enterprise = current_enterprise()
        if self.enterprise is None:
            raise NotFound()
        if not memberships.can_manage_members(actor=request.user, enterprise=self.enterprise):
            raise PermissionDenied(_("只有企业管理员可以管理成员"))

    def get_queryset(self):
        return selectors.membership_list(enterprise=self.enterprise)

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        membership = (
            selectors.membership_get(enterprise=self.enterprise, pk=int(pk))
            if pk.isdigit() and len(pk) < 12
            else None
        )
        if membership is None:
            raise NotFound()
        return membership

    def create(self, request, *args, **kwargs):
        body = MemberAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = memberships.membership_create(
            actor=request.user, enterprise=self.enterprise, **body.validated_data
        )
        data = {"membership": result.membership, "initial_password": result.initial_password}
        return Response(MemberAddedSerializer(data).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        body = RoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = memberships.membership_set_role(
            actor=request.user, membership=self.get_object(), role=body.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data)

    def perform_destroy(self, instance):
        memberships.membership_remove(actor=self.request.user, membership=instance)
