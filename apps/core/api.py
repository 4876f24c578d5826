"""REST API plumbing shared by every app's ``api/``: one error shape ``{"code", "message",
"errors"}`` in the user's language, the OpenAPI schema that documents it, filters and text
fields that take what the schema says only (pagination: apps.core.pagination)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (4xx)."""

    code = serializers.CharField(
        help_text=_lazy("机器可读的错误代码，如 invalid、not_found、not_authenticated")
    )
    message = serializers.CharField(help_text=_lazy("给人看的错误说明，使用请求的语言"))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_lazy("出错的字段（嵌套字段以 . 连接）或数据项编码 → 错误说明列表；与具体字段无关时为空"),
    )


# ---------------------------------------------------------------- exception handler
def _drf_message(exc: exceptions.APIException, method: str) -> str | None:
    """Our words for the errors DRF raises itself, whose detail is English or DRF's own
    catalogue. ``None``: keep the detail (a NotFound or PermissionDenied our code raised with
    a translated message)."""
    detail = str(exc.detail) if isinstance(exc.detail, str) else ""
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("需要身份认证：请在请求头中提供 API 令牌（Authorization: Token <令牌>）")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("API 令牌无效或已被吊销（请求头格式：Authorization: Token <令牌>）")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("该地址不支持 %(method)s 请求") % {"method": method}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("不支持的请求体格式，请使用 application/json")
    if isinstance(exc, exceptions.NotAcceptable):
        return _("无法按 Accept 请求头要求的格式返回结果，请接受 application/json")
    if isinstance(exc, exceptions.ParseError):
        return _("请求体不是有效的 JSON")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            return _("请求过于频繁，请 %(seconds)d 秒后再试") % {"seconds": max(1, round(exc.wait))}
        return _("请求过于频繁，请稍后再试")
    if isinstance(exc, exceptions.NotFound) and detail == str(exceptions.NotFound.default_detail):
        return _("请求的对象不存在，或您无权访问")
    if isinstance(exc, exceptions.PermissionDenied):
        if detail.startswith("CSRF Failed"):
            return _("CSRF 校验失败：请刷新页面后重试，或改用 API 令牌")
        if detail == str(exceptions.PermissionDenied.default_detail):
            return _("您无权执行该操作")
    return None


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field.subfield": [messages]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    key = prefix or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {key: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {key: [str(detail)]}


def _invalid(errors: dict[str, list[str]]) -> dict:
    message = "; ".join(f"{field}: {messages[0]}" for field, messages in errors.items() if messages)
    return {"code": "invalid", "message": message or _("请求有误"), "errors": errors}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Response(_invalid(errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # Django's message names the model, in English
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)  # status, WWW-Authenticate, Retry-After
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _invalid(_flatten(exc.detail))
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        request = context.get("request")
        message = _drf_message(exc, request.method if request else "") or str(exc.detail)
        response.data = {"code": code, "message": message, "errors": {}}
    return response


# ---------------------------------------------------------------- OpenAPI
ERROR_RESPONSES = {
    "400": _lazy("请求参数或请求体有误，或对象当前的状态不允许该操作"),
    "401": _lazy("未提供 API 令牌，或令牌无效（响应头 WWW-Authenticate: Token）"),
    "403": _lazy("无权访问：不是该企业的成员，或无权修改"),
    "404": _lazy("对象不存在或无权访问、页码超出范围，或该接口不在此域名下提供"),
}


class ParkAutoSchema(AutoSchema):
    """Documents the error answers every operation can give, in the one error shape: 400 when
    it takes parameters or a body or writes, 401 and 403 when it needs a login, 404 when it names an
    object or a page, or needs a login (an operation served on the park's domain or on an
    enterprise's alone answers 404 on the other: one schema documents both)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        codes = []
        if (
            "requestBody" in operation
            or any(p["in"] == "query" for p in parameters)
            or self.method in ("POST", "PUT", "PATCH", "DELETE")  # a business rule may refuse any write
        ):
            codes.append("400")
        security = operation.get("security", [])
        if security and {} not in security:
            codes += ["401", "403"]
        if (
            any(p["in"] == "path" for p in parameters)
            or any(p["name"] == "page" for p in parameters)
            or (security and {} not in security)
        ):
            codes.append("404")
        for code in codes:
            operation["responses"].setdefault(
                code,
                self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES[code]), code
                ),
            )
        return operation


# ---------------------------------------------------------------- examples
# Every operation shows what it takes and what it answers (tests/core/test_openapi_examples.py
# walks the schema). Put an answer's example on its serializer (extend_schema_serializer): it then
# shows on every operation that answers with it, a list's wrapped in the page. An example given on
# the view (extend_schema(examples=...)) replaces the serializers' for that operation.
SUCCESS_STATUSES = ["200", "201", "202"]


def answer_example(name, value, *, summary=None) -> OpenApiExample:
    """An example of an answer (any success status)."""
    return OpenApiExample(
        name, value=value, summary=summary, response_only=True, status_codes=SUCCESS_STATUSES
    )


def request_example(name, value, *, media_type: str | None = None, summary=None) -> OpenApiExample:
    """An example of a request body (``media_type`` for a form upload: multipart/form-data)."""
    return OpenApiExample(name, value=value, summary=summary, request_only=True, media_type=media_type)


# ---------------------------------------------------------------- fields
class TextField(serializers.CharField):
    """A string, and only a string: DRF's CharField also takes numbers and turns them into
    text, which the schema (type: string) does not allow."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# ---------------------------------------------------------------- filters
class FilterSet(filters.FilterSet):
    """API filters: a parameter that is sent filters, so an empty choice or date is refused
    (400) instead of silently meaning "no filter", as the schema's enum and date formats say."""

    def is_valid(self) -> bool:
        super().is_valid()
        for name, field in self.form.fields.items():
            if not isinstance(field, forms.CharField) and self.data.get(name) == "":
                self.form.add_error(name, _("不能为空"))
        return self.form.is_valid()
