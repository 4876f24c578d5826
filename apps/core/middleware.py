import uuid

from django.conf import settings
from django.utils import translation

from apps.core import request_context
from apps.core.clients import client_ip

LANGUAGE_COOKIE = "django_language"
API_PREFIX = "/api/v1/"


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and puts it with the client IP
    into the actor context the audit log reads. The user is filled in once known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        token = request_context.set_for_request(
            request_context.ActorContext(request_id=request.request_id, client_ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


def bind_user(request) -> None:
    """Called once authentication is known (see accounts middleware and DRF auth)."""
    user = getattr(request, "user", None)
    ctx = request_context.current()
    if user is not None and user.is_authenticated:
        request_context.set_for_request(
            request_context.ActorContext(
                user_id=user.pk,
                actor_label=user.get_username(),
                request_id=ctx.request_id,
                client_ip=ctx.client_ip,
            )
        )


class ParkLocaleMiddleware:
    """Simplified Chinese unless the user asked for another language (cookie or ?lang=).

    Unlike Django's LocaleMiddleware we ignore Accept-Language: the portal speaks Chinese by
    default whatever the browser says, and English on request. The REST API (/api/v1/) is the
    exception: a program asks for its language with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.GET.get("lang") or request.COOKIES.get(LANGUAGE_COOKIE)
        if not lang and request.path.startswith(API_PREFIX) and request.META.get("HTTP_ACCEPT_LANGUAGE"):
            lang = translation.get_language_from_request(request)
        lang = lang or settings.LANGUAGE_CODE
        if lang not in self.supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if request.GET.get("lang") in self.supported:
            response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
        response.headers.setdefault("Content-Language", lang)
        translation.deactivate()
        return response
