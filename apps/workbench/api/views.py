from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import is_member
from apps.core.api import ERROR_RESPONSES, ErrorSerializer
from apps.tenants.selectors import current_enterprise
from apps.workbench import selectors
from apps.workbench.api.serializers import (
    EnterpriseWorkbenchSerializer,
    ParkWorkbenchSerializer,
    SearchSerializer,
)


def _refused(code: str):
    return OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES[code])


def _member_or_staff(request):
    """The enterprise of this domain (its members only), or None on the park domain (park
    staff only)."""
    enterprise = current_enterprise()
    if enterprise is not None:
        if not is_member(user=request.user, enterprise=enterprise):
            raise PermissionDenied(_("您不是该企业的成员"))
    elif not request.user.is_park_staff:
        raise PermissionDenied(_("只有园区工作人员可以查看园区工作台"))
    return enterprise


class ParkWorkbenchView(APIView):
    @extend_schema(
        summary=_lazy("园区工作台：待办与图表数据"),
        description=_lazy("园区域名下可用；企业域名下为 404"),
        responses={200: ParkWorkbenchSerializer, 403: _refused("403"), 404: _refused("404")},
    )
    def get(self, request):
        if _member_or_staff(request) is not None:
            raise NotFound
        data = {"todo": selectors.park_todo(user=request.user), "figures": selectors.park_figures()}
        return Response(ParkWorkbenchSerializer(data).data)


class EnterpriseWorkbenchView(APIView):
    @extend_schema(
        summary=_lazy("企业工作台：待办与图表数据"),
        description=_lazy("企业域名下可用；园区域名下为 404"),
        responses={200: EnterpriseWorkbenchSerializer, 403: _refused("403"), 404: _refused("404")},
    )
    def get(self, request):
        enterprise = _member_or_staff(request)
        if enterprise is None:
            raise NotFound
        data = {
            "todo": selectors.enterprise_todo(user=request.user, enterprise=enterprise),
            "figures": selectors.enterprise_figures(enterprise=enterprise),
        }
        return Response(EnterpriseWorkbenchSerializer(data).data)


class SearchView(APIView):
    @extend_schema(
        summary=_lazy("全局搜索：标识、企业名称或代码、统一社会信用代码、对象代码"),
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 255},
                required=True,
                description=_lazy("搜索内容（1 至 255 个字符）"),
            )
        ],
        responses={200: SearchSerializer, 400: _refused("400"), 403: _refused("403")},
    )
    def get(self, request):
        enterprise = _member_or_staff(request)
        q = request.query_params.get("q") or ""
        if not q or len(q) > 255 or "\x00" in q:
            raise ValidationError({"q": [_("请输入 1 至 255 个字符的搜索内容")]})
        results = selectors.search(user=request.user, q=q, enterprise=enterprise)  # blank: nothing found
        return Response(SearchSerializer({"q": q, **results}).data)
