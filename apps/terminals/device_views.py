"""The device API on the park domain: ``POST /api/terminals/{challenge,token,report}``.

Plain Django views (no session, no CSRF: a device has neither), JSON in and out, errors in the
project's one shape ``{"code", "message", "errors"}``."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.core.clients import client_address
from apps.core.errors import ApplicationError
from apps.terminals import device


def _body(request):
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise device.DeviceRefusal("invalid_request", _("请求体不是有效的 JSON")) from None


def choose_language(lang: str | None, request) -> str:
    """``?lang=``, else Accept-Language (with Django's rules: the language cookie first), else the
    portal's default, Chinese. ``request`` needs only ``COOKIES`` and ``META`` (the fast server
    passes a stand-in of those two)."""
    if not lang and request.META.get("HTTP_ACCEPT_LANGUAGE"):
        lang = translation.get_language_from_request(request)
    if not lang or not translation.check_for_language(lang):
        lang = settings.LANGUAGE_CODE
    return lang


def refusal_headers(exc: ApplicationError) -> list[tuple[str, str]]:
    headers = []
    if exc.code == "rate_limited":
        headers.append(("Retry-After", "60"))
    if exc.status_code == 401 and exc.code.startswith("token"):
        headers.append(("WWW-Authenticate", 'Bearer error="invalid_token"'))
    return headers


def _answer(request, work):
    """The answer in the language the device asks for: these views may run without the locale
    middleware (apps.terminals.middleware), so they always set it themselves."""
    with translation.override(choose_language(request.GET.get("lang"), request)):
        return _answer_in_language(work)


def _answer_in_language(work):
    try:
        return JsonResponse(work(), status=200)
    except ApplicationError as exc:
        response = JsonResponse(exc.as_dict(), status=exc.status_code)
        for name, value in refusal_headers(exc):
            response[name] = value
        return response


def _object(request) -> dict:
    body = _body(request)
    if not isinstance(body, dict):
        raise device.DeviceRefusal("invalid_request", _("请求体应为 JSON 对象"))
    return body


@csrf_exempt
@require_POST
def challenge(request):
    def work():
        body = _object(request)
        return device.challenge(handle=body.get("handle"), address=client_address(request))

    return _answer(request, work)


@csrf_exempt
@require_POST
def token(request):
    def work():
        body = _object(request)
        return device.issue_token(
            handle=body.get("handle"),
            nonce=body.get("nonce"),
            signature=body.get("signature"),
            address=client_address(request),
        )

    return _answer(request, work)


@csrf_exempt
@require_POST
def report(request):
    def work():
        header = request.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        bearer = value.strip() if scheme.lower() == "bearer" else None
        # the token first: a report without a valid token is refused before its body is read
        body = _body(request) if bearer else None
        return device.report(token=bearer, body=body, address=client_address(request)).as_dict()

    return _answer(request, work)
