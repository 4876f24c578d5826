"""REST API: /api/v1/terminals/. Enterprise domain: its terminals (list, detail, readings),
enrolment and the credential actions, through apps.terminals.services like every other door.
Park domain: the park's statistics, for park staff."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES, ErrorSerializer
from apps.core.pagination import PageNumberPagination
from apps.identifiers.services import can_write
from apps.metadata.models import TemplateVersion
from apps.tenants.selectors import current_enterprise
from apps.terminals import selectors, services
from apps.terminals.api.serializers import (
    CredentialSerializer,
    EnrolSerializer,
    IssuedSerializer,
    ReadingSerializer,
    ReasonSerializer,
    RotateSerializer,
    StatisticsSerializer,
    TerminalDetailSerializer,
    TerminalSerializer,
)
from apps.terminals.models import Terminal, TerminalCredential

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")


def _refused(code: str):
    return OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES[code])


class EnterpriseMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from apps.core.middleware import bind_user

        bind_user(request)
        if current_enterprise() is None:
            raise NotFound(_("终端在企业域名下管理"))

    def enterprise(self):
        return current_enterprise()

    def require_writer(self):
        if not can_write(self.request.user, self.enterprise()):
            raise PermissionDenied(_("只有本企业成员可以管理本企业的终端"))

    def terminal(self, pk) -> Terminal:
        try:
            terminal = selectors.terminal_get(self.enterprise(), int(pk))
        except (TypeError, ValueError):
            terminal = None
        if terminal is None:
            raise NotFound()
        return terminal


def _issued_response(issued) -> Response:
    response = Response(IssuedSerializer(issued).data, status=status.HTTP_201_CREATED)
    if issued.private_key_pem:
        response["Cache-Control"] = "no-store"  # the generated private key: this answer only
    return response


def _key_args(data) -> dict:
    return {
        "public_key": data.get("public_key") or None,
        "algorithm": data.get("generate") or None,
        "valid_days": data.get("valid_days"),
    }


class TerminalViewSet(EnterpriseMixin, viewsets.ViewSet):
    pagination_class = PageNumberPagination

    @extend_schema(summary=_lazy("本企业的终端"), responses={200: TerminalSerializer(many=True)})
    def list(self, request):
        # a page of terminals, then their rows (credentials, online state) for that page only
        paginator = self.pagination_class()
        enterprise = self.enterprise()
        page = paginator.paginate_queryset(
            selectors.terminals_for(enterprise).order_by("-id"), request, view=self
        )
        rows = selectors.terminal_rows(enterprise, terminals=page)
        return paginator.get_paginated_response(TerminalSerializer(rows, many=True).data)

    @extend_schema(summary=_lazy("终端详情"), responses={200: TerminalDetailSerializer, 404: _refused("404")})
    def retrieve(self, request, id=None):
        terminal = self.terminal(id)
        row = selectors.terminal_rows(terminal.enterprise, terminals=[terminal])[0]
        row.credentials = list(selectors.terminal_credentials(terminal))
        return Response(TerminalDetailSerializer(row).data)

    @extend_schema(
        summary=_lazy("登记终端并签发第一张凭证"),
        request=EnrolSerializer,
        responses={201: IssuedSerializer, 400: _refused("400"), 403: _refused("403")},
    )
    def create(self, request):
        self.require_writer()
        serializer = EnrolSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = (
            TemplateVersion.objects.filter(pk=data["template_version"]).select_related("template").first()
        )
        allowed = {t.pk for t in selectors.terminal_templates(self.enterprise())}
        if version is None or version.template_id not in allowed:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"template_version": [_("请选择终端模板（或其子模板）")]})
        issued = services.terminal_enrol(
            actor=request.user,
            enterprise=self.enterprise(),
            template_version=version,
            values=data["values"],
            object_code=data.get("object_code") or None,
            **_key_args(data),
        )
        return _issued_response(issued)

    @extend_schema(
        summary=_lazy("轮换凭证（旧凭证在宽限期内仍有效）"),
        request=RotateSerializer,
        responses={201: IssuedSerializer, 400: _refused("400"), 403: _refused("403"), 404: _refused("404")},
    )
    def rotate(self, request, id=None):
        terminal = self.terminal(id)
        self.require_writer()
        serializer = RotateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = services.credential_rotate(
            actor=request.user, terminal=terminal, grace_hours=data["grace_hours"], **_key_args(data)
        )
        return _issued_response(issued)

    @extend_schema(
        summary=_lazy("签发凭证（终端没有有效凭证时）"),
        request=RotateSerializer,
        responses={201: IssuedSerializer, 400: _refused("400"), 403: _refused("403"), 404: _refused("404")},
    )
    def issue(self, request, id=None):
        terminal = self.terminal(id)
        self.require_writer()
        serializer = RotateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.credential_issue(
            actor=request.user, terminal=terminal, **_key_args(serializer.validated_data)
        )
        return _issued_response(issued)

    @extend_schema(
        summary=_lazy("终端最近的读数"), responses={200: ReadingSerializer(many=True), 404: _refused("404")}
    )
    def readings(self, request, id=None):
        terminal = self.terminal(id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.readings_recent(terminal), request, view=self)
        return paginator.get_paginated_response(ReadingSerializer(page, many=True).data)


class CredentialViewSet(EnterpriseMixin, viewsets.ViewSet):
    def credential(self, pk) -> TerminalCredential:
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise NotFound() from None
        credential = (
            TerminalCredential.objects.select_related("terminal__enterprise")
            .filter(pk=pk, terminal__enterprise=self.enterprise())
            .first()
        )
        if credential is None:
            raise NotFound()
        return credential

    @extend_schema(summary=_lazy("凭证详情"), responses={200: CredentialSerializer, 404: _refused("404")})
    def retrieve(self, request, id=None):
        return Response(CredentialSerializer(self.credential(id)).data)

    def _act(self, request, pk, service):
        credential = self.credential(pk)
        self.require_writer()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kwargs = (
            {"reason": serializer.validated_data.get("reason", "")}
            if service is not services.credential_resume
            else {}
        )
        result = service(actor=request.user, credential=credential, **kwargs)
        return Response(CredentialSerializer(result).data)

    _ACTION = {
        "request": ReasonSerializer,
        "responses": {
            200: CredentialSerializer,
            400: _refused("400"),
            403: _refused("403"),
            404: _refused("404"),
        },
    }

    @extend_schema(summary=_lazy("暂停凭证"), **_ACTION)
    def suspend(self, request, id=None):
        return self._act(request, id, services.credential_suspend)

    @extend_schema(summary=_lazy("恢复暂停的凭证"), **_ACTION)
    def resume(self, request, id=None):
        return self._act(request, id, services.credential_resume)

    @extend_schema(summary=_lazy("吊销凭证（须填原因，立即生效）"), **_ACTION)
    def revoke(self, request, id=None):
        return self._act(request, id, services.credential_revoke)


class StatisticsView(APIView):
    @extend_schema(summary=_lazy("园区终端认证统计（最近 24 小时）"), responses={200: StatisticsSerializer})
    def get(self, request):
        user = request.user
        if current_enterprise() is not None or not (user.is_superuser or user.park_role in PARK_STAFF):
            raise PermissionDenied(_("只有园区工作人员可以查看终端认证统计"))
        stats = selectors.park_statistics()
        return Response(
            StatisticsSerializer(
                {
                    "enrolled": stats.enrolled,
                    "online": stats.online,
                    "online_rate": stats.online_rate,
                    "hourly": [{"hour": h, "ok": ok, "failed": bad} for h, ok, bad in stats.hourly],
                    "failures": dict(stats.failures),
                    "credentials": stats.credentials,
                }
            ).data
        )
