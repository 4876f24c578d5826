"""REST API: /api/v1/identifiers/ on the park domain and on enterprise domains.

Enterprise domain: that enterprise's identifiers (members and its API clients only — the
DRF permission IsTenantMember). Park domain: park staff read every identifier (public
values) and register the operator's; other users read the identifiers of enterprises they
belong to. Writes go through apps.identifiers.services, the same as every other door.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from django_tenants.utils import get_public_schema_name
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from apps.core.api import FilterSet
from apps.core.errors import ApplicationError
from apps.identifiers import selectors, services
from apps.identifiers.api.serializers import (
    IdentifierCreateSerializer,
    IdentifierSerializer,
    IdentifierUpdateSerializer,
    IdentifierValuesSerializer,
    WithdrawSerializer,
)
from apps.identifiers.choices import IdentifierStatus
from apps.identifiers.models import Identifier
from apps.metadata.choices import ObjectCategory
from apps.tenants.selectors import current_enterprise


def _operator():
    from apps.tenants.models import Enterprise

    return Enterprise.objects.filter(schema_name=get_public_schema_name()).first()


class IdentifierFilter(FilterSet):
    q = filters.CharFilter(method="filter_q", label=_lazy("标识、名称或对象代码"))
    handle = filters.CharFilter(method="filter_handle", label=_lazy("完整标识（前缀不区分大小写）"))
    code = filters.CharFilter(field_name="object_code", lookup_expr="icontains", label=_lazy("对象代码"))
    category = filters.ChoiceFilter(choices=ObjectCategory.choices, label=_lazy("对象类别"))
    template = filters.CharFilter(method="filter_template", label=_lazy("模板编码或 ID"))
    status = filters.ChoiceFilter(choices=IdentifierStatus.choices, label=_lazy("状态"))
    date_from = filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_lazy("登记日期起")
    )
    date_to = filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_lazy("登记日期止"))
    enterprise = filters.CharFilter(
        field_name="enterprise__code", lookup_expr="iexact", label=_lazy("企业代码")
    )

    class Meta:
        model = Identifier
        fields = ["category", "status"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(handle_ci__contains=value.lower()) | Q(name__icontains=value) | Q(object_code__icontains=value)
        )

    def filter_handle(self, qs, name, value):
        return qs.filter(handle_ci=value.lower())

    def filter_template(self, qs, name, value):
        if value.isdigit():
            return qs.filter(template_version__template_id=int(value))
        return qs.filter(template_version__template__code__iexact=value)


def _date_parameter(name: str, description: str) -> OpenApiParameter:
    # format date allows year 0000, which no Python date (and so no filter) can hold
    return OpenApiParameter(
        name,
        {"type": "string", "format": "date", "pattern": "^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        description=description,
    )


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("标识列表"),
        parameters=[
            _date_parameter("date_from", _lazy("登记日期起（含），YYYY-MM-DD")),
            _date_parameter("date_to", _lazy("登记日期止（含），YYYY-MM-DD")),
        ],
    ),
    retrieve=extend_schema(summary=_lazy("标识详情")),
)
class IdentifierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = IdentifierSerializer
    filterset_class = IdentifierFilter
    queryset = Identifier.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # token users are known only now: the audit log should name them (or the API client)
        from apps.core.middleware import bind_user

        bind_user(request)

    def get_queryset(self):
        tenant = current_enterprise()
        qs = selectors.identifier_list(user=self.request.user, enterprise=tenant)
        if tenant is not None:
            return qs
        user = self.request.user
        if user.is_park_staff:
            return qs
        return selectors.identifiers_readable_by(qs, user=user)

    def _writer_enterprise(self, identifier=None):
        enterprise = (
            identifier.enterprise if identifier is not None else (current_enterprise() or _operator())
        )
        if enterprise is not None:
            from apps.identifiers.permissions import write_refusal

            refusal = write_refusal(enterprise)
            if refusal is not None:
                raise PermissionDenied(refusal)
        if enterprise is None or not services.member_may_write(self.request.user, enterprise):
            raise PermissionDenied(_("无权登记或修改该企业的标识"))
        return enterprise

    def _template_version(self, enterprise, ref: str | None, *, required: bool):
        from apps.metadata.selectors import template_current_version, templates_for_enterprise

        if not ref:
            if required:
                raise ValidationError({"template": [_("登记标识需要指定模板")]})
            return None
        templates = templates_for_enterprise(enterprise, published_only=True)
        template = (
            templates.filter(pk=int(ref)).first()
            if ref.isdigit()
            else templates.filter(code__iexact=ref).first()
        )
        version = template_current_version(template) if template else None
        if version is None:
            raise ValidationError({"template": [_("模板 %(ref)s 不存在或未发布") % {"ref": ref}]})
        return version

    @extend_schema(
        summary=_lazy("登记标识"), request=IdentifierCreateSerializer, responses={201: IdentifierSerializer}
    )
    def create(self, request):
        enterprise = self._writer_enterprise()
        data = IdentifierCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = self._template_version(enterprise, data.validated_data.get("template"), required=True)
        ident = services.identifier_register(
            actor=request.user,
            enterprise=enterprise,
            template_version=version,
            values=data.validated_data["values"],
            object_code=data.validated_data.get("object_code") or None,
        )
        return Response(self.get_serializer(ident).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_lazy("修改标识（整体替换数据项的值）"),
        request=IdentifierUpdateSerializer,
        responses=IdentifierSerializer,
    )
    def update(self, request, pk=None):
        ident = self.get_object()
        self._writer_enterprise(ident)
        data = IdentifierUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = self._template_version(
            ident.enterprise, data.validated_data.get("template"), required=False
        )
        if version is not None and version.template_id != ident.template_version.template_id:
            raise ApplicationError(_("只能升级到同一模板的其他版本"), code="template_mismatch")
        ident = services.identifier_update(
            actor=request.user,
            identifier=ident,
            values=data.validated_data["values"],
            template_version=version,
        )
        return Response(self.get_serializer(ident).data)

    @extend_schema(
        summary=_lazy("修改部分数据项的值"),
        request=IdentifierValuesSerializer,
        responses=IdentifierSerializer,
    )
    def partial_update(self, request, pk=None):
        ident = self.get_object()
        self._writer_enterprise(ident)
        data = IdentifierValuesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        current = services.values_as_dict(
            selectors.identifier_values_for(user=request.user, identifier=ident)
        )
        current.update(data.validated_data["values"])
        ident = services.identifier_update(actor=request.user, identifier=ident, values=current)
        return Response(self.get_serializer(ident).data)

    @extend_schema(summary=_lazy("注销标识"), request=WithdrawSerializer, responses=IdentifierSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        ident = self.get_object()
        self._writer_enterprise(ident)
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ident = services.identifier_withdraw(
            actor=request.user, identifier=ident, reason=data.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(ident).data)

    @extend_schema(summary=_lazy("注销标识（同 POST withdraw）"), responses={204: None})
    def destroy(self, request, pk=None):
        ident = self.get_object()
        self._writer_enterprise(ident)
        services.identifier_withdraw(actor=request.user, identifier=ident)
        return Response(status=status.HTTP_204_NO_CONTENT)
