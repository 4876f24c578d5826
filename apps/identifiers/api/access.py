"""REST API: access to an enterprise's data, as on its "API access" and "grants" pages.

``api-clients/``: the enterprise's API clients (enterprise domain, its administrators): create
(the token key is in that response only) and revoke, through apps.identifiers.api_clients.
``grants/``: grants of restricted values to other users, per identifier or per template
(enterprise administrators for their enterprise; park administrators for the operator's on the
park domain), through apps.identifiers.grants."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from django_tenants.utils import get_public_schema_name
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from apps.accounts.selectors import is_enterprise_admin
from apps.core.api import (
    ERROR_RESPONSES,
    ErrorSerializer,
    FilterSet,
    TextField,
    answer_example,
    request_example,
)
from apps.core.errors import ApplicationError
from apps.identifiers import api_clients, grants, selectors
from apps.identifiers.models import APIClient, Identifier, IdentifierGrant


def _tenant():
    tenant = getattr(connection, "tenant", None)
    return None if tenant is None or tenant.schema_name == get_public_schema_name() else tenant


def _operator():
    from apps.tenants.models import Enterprise

    return Enterprise.objects.filter(schema_name=get_public_schema_name()).first()


def _admin_enterprise(user):
    """The enterprise whose access ``user`` manages here, as the pages decide it."""
    tenant = _tenant()
    enterprise = tenant or _operator()
    ok = user.is_superuser or (
        is_enterprise_admin(user=user, enterprise=enterprise) if tenant else user.park_role == "park_admin"
    )
    if not ok:
        raise PermissionDenied(_("只有企业管理员可以管理本企业的 API 访问与授权"))
    return enterprise


def _by_pk(queryset, pk):
    pk = str(pk or "")
    found = queryset.filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None
    if found is None:
        raise NotFound()
    return found


API_CLIENT = {
    "id": 2,
    "name": "MES 生产执行系统",
    "username": "api-zljm-2-5b32a9",
    "is_active": True,
    "created_at": "2026-03-18T10:00:00+08:00",
}


@extend_schema_serializer(examples=[answer_example(_lazy("MES 系统的客户端"), API_CLIENT)])
class APIClientSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = APIClient
        fields = ["id", "name", "username", "is_active", "created_at"]
        read_only_fields = fields


@extend_schema_serializer(examples=[request_example(_lazy("为 MES 系统创建"), {"name": "MES 生产执行系统"})])
class APIClientCreateSerializer(serializers.Serializer):
    name = TextField(trim_whitespace=False, max_length=100)


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("新客户端及其令牌"), {**API_CLIENT, "token": "3f9c2a7d5e1b48c6a0d4f7e2b9c1a8d6e5f4b3c2"}
        )
    ]
)
class APIClientCreatedSerializer(APIClientSerializer):
    token = serializers.CharField(read_only=True, help_text=_lazy("客户端的 API 令牌，只在本次响应中出现"))

    class Meta(APIClientSerializer.Meta):
        fields = [*APIClientSerializer.Meta.fields, "token"]
        read_only_fields = fields


class APIClientFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", label=_lazy("客户端名称"))

    class Meta:
        model = APIClient
        fields = ["name"]


@extend_schema_view(
    list=extend_schema(summary=_lazy("本企业的 API 客户端")),
    retrieve=extend_schema(summary=_lazy("一个 API 客户端")),
    create=extend_schema(
        summary=_lazy("创建 API 客户端（令牌只返回一次）"),
        request=APIClientCreateSerializer,
        responses={
            201: APIClientCreatedSerializer,
            404: OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES["404"]),
        },
    ),
    revoke=extend_schema(
        summary=_lazy("停用 API 客户端（令牌立即失效）"), request=None, responses={200: APIClientSerializer}
    ),
)
class APIClientViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = APIClientSerializer
    filterset_class = APIClientFilter
    queryset = APIClient.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if _tenant() is None:
            raise NotFound()
        self.enterprise = _admin_enterprise(request.user)

    def get_queryset(self):
        return APIClient.objects.filter(enterprise=self.enterprise).select_related("user").order_by("-id")

    def get_object(self):
        return _by_pk(self.get_queryset(), self.kwargs.get("pk"))

    def create(self, request, *args, **kwargs):
        body = APIClientCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        client, key = api_clients.api_client_create(
            actor=request.user, enterprise=self.enterprise, name=body.validated_data["name"]
        )
        client.token = key
        return Response(APIClientCreatedSerializer(client).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        client = self.get_object()
        api_clients.api_client_revoke(actor=request.user, client=client)
        client.refresh_from_db()
        return Response(APIClientSerializer(client).data)


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("授权读取一个标识的受限数据"),
            {
                "id": 7,
                "grantee": "hxdz_liuyang",
                "identifier": "88.101.ZLJM/TRF2026030001",
                "template": None,
                "created_at": "2026-03-18T10:00:00+08:00",
            },
        )
    ]
)
class GrantSerializer(serializers.ModelSerializer):
    grantee = serializers.CharField(source="grantee.username", read_only=True)
    identifier = serializers.CharField(
        source="identifier.handle", read_only=True, allow_null=True, default=None
    )
    template = serializers.CharField(source="template.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = IdentifierGrant
        fields = ["id", "grantee", "identifier", "template", "created_at"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("授权一个标识"), {"username": "hxdz_liuyang", "handle": "88.101.ZLJM/TRF2026030001"}
        ),
        request_example(_lazy("授权一个模板下的全部标识"), {"username": "hxdz_liuyang", "template": 4}),
    ]
)
class GrantCreateSerializer(serializers.Serializer):
    username = TextField(trim_whitespace=False, max_length=150, help_text=_lazy("被授权用户的用户名"))
    handle = TextField(
        trim_whitespace=False, max_length=255, required=False, help_text=_lazy("授权单个标识时填写")
    )
    template = serializers.IntegerField(
        min_value=1, required=False, help_text=_lazy("授权某模板下本企业的全部标识时填写模板 ID")
    )


class GrantFilter(FilterSet):
    grantee = filters.CharFilter(
        field_name="grantee__username", lookup_expr="iexact", label=_lazy("被授权用户的用户名")
    )
    handle = filters.CharFilter(
        field_name="identifier__handle", lookup_expr="iexact", label=_lazy("授权的标识")
    )

    class Meta:
        model = IdentifierGrant
        fields = ["grantee", "handle"]


@extend_schema_view(
    list=extend_schema(summary=_lazy("受限数据授权")),
    retrieve=extend_schema(summary=_lazy("一项授权")),
    create=extend_schema(
        summary=_lazy("授权受限数据访问"), request=GrantCreateSerializer, responses={201: GrantSerializer}
    ),
    destroy=extend_schema(summary=_lazy("撤销授权")),
)
class GrantViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = GrantSerializer
    filterset_class = GrantFilter
    queryset = IdentifierGrant.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.enterprise = _admin_enterprise(request.user)

    def get_queryset(self):
        return selectors.grants_of(enterprise=self.enterprise).order_by("-id")

    def get_object(self):
        return _by_pk(self.get_queryset(), self.kwargs.get("pk"))

    def create(self, request, *args, **kwargs):
        from apps.accounts.models import User
        from apps.metadata.selectors import templates_for_enterprise

        body = GrantCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        grantee = User.objects.filter(username=data["username"], is_active=True).first()
        if grantee is None:
            raise ApplicationError(_("用户不存在"), errors={"username": [_("用户不存在")]})
        if ("handle" in data) == ("template" in data):
            raise ApplicationError(_("请选择一个标识或一个模板"), code="invalid_target")
        if "handle" in data:
            ident = Identifier.objects.filter(
                handle_ci=data["handle"].strip().lower(), enterprise=self.enterprise
            ).first()
            if ident is None:
                raise ApplicationError(_("本企业没有该标识"), errors={"handle": [_("本企业没有该标识")]})
            grant = grants.grant_restricted_access(
                actor=request.user, enterprise=self.enterprise, grantee=grantee, identifier=ident
            )
        else:
            template = (
                templates_for_enterprise(self.enterprise, published_only=True)
                .filter(pk=data["template"])
                .first()
            )
            if template is None:
                message = _("模板不存在")
                raise ApplicationError(message, errors={"template": [message]})
            grant = grants.grant_restricted_access(
                actor=request.user, enterprise=self.enterprise, grantee=grantee, template=template
            )
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        grants.revoke_restricted_access(actor=self.request.user, grant=instance)
