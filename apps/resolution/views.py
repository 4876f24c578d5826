"""Resolution endpoints: Handle REST read, the human/scanner page; dashboards. (The SNMS
detail read, which needs the SNMS token, is apps.sync.server's.)

The protocol views are plain Django functions (no DRF, no session read unless ``auth=true``):
they are the hot path.
"""

from __future__ import annotations

import json
import urllib.parse

import segno
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.accounts.decorators import park_role_required
from apps.core.charts import bar_chart, hbar_chart, line_chart
from apps.resolution import resolver, selectors
from apps.resolution.resolver import RC_AUTH_NEEDED, Outcome

JSON = "application/json"
LINKSET = "application/linkset+json"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, Location, Retry-After",
}


def _finish(request, response: HttpResponse, outcome: Outcome | None = None) -> HttpResponse:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    if outcome is not None and outcome.retry_after is not None:
        response["Retry-After"] = str(outcome.retry_after)
    if request.method == "HEAD":
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response


def _preflight(request) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(SAFE_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
    response["Access-Control-Allow-Headers"] = "Accept, Authorization, Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    return _finish(request, response)


# ------------------------------------------------------------------ authentication for auth=true
def _authenticated_user(request):
    """Token (``Authorization: Token|Bearer <key>``) or session user, else None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _sep, key = header.partition(" ")
    if keyword.lower() in ("token", "bearer") and key.strip():
        from rest_framework.authtoken.models import Token

        token = Token.objects.select_related("user").filter(key=key.strip()).first()
        if token is not None and token.user.is_active:
            return token.user
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def _values_for_caller(user, record: dict) -> list[dict]:
    """Public plus the restricted values ``user`` may read (member of the owner, or a grant on
    the identifier or its template): the registry's own visibility rule."""
    from apps.identifiers.models import Identifier
    from apps.identifiers.selectors import identifier_values_for

    identifier = (
        Identifier.objects.select_related("enterprise", "template_version__template")
        .filter(pk=record["id"])
        .first()
    )
    if identifier is None:
        return resolver.handle_values(record)
    return resolver.handle_values(record, identifier_values_for(user=user, identifier=identifier))


def _wants_auth(request) -> bool:
    return (
        request.GET.get("auth", "").lower() == "true" or request.GET.get("publicOnly", "").lower() == "false"
    )


# ------------------------------------------------------------------ GET /api/handles/<handle>
@csrf_exempt
def handle_rest(request, handle: str):
    if request.method == "OPTIONS":
        return _preflight(request)
    if request.method not in SAFE_METHODS:
        return _finish(request, HttpResponseNotAllowed(SAFE_METHODS))
    outcome = resolver.resolve(request, handle)
    values = None
    if outcome.ok:
        if _wants_auth(request) and outcome.record.get("kind") == "local":
            user = _authenticated_user(request)
            if user is None:
                outcome = resolver.error(RC_AUTH_NEEDED, outcome.handle, _("需要身份认证才能读取受限标识值"))
            else:
                values = _values_for_caller(user, outcome.record)
        indexes, types = request.GET.getlist("index"), request.GET.getlist("type")
        if outcome.ok and (indexes or types):
            base = values if values is not None else resolver.handle_values(outcome.record)
            values = resolver.filter_values(base, indexes, types)
    response = HttpResponse(
        resolver.rest_body(outcome, values), content_type=JSON, status=outcome.http_status
    )
    if outcome.code == RC_AUTH_NEEDED:
        response["WWW-Authenticate"] = 'Token realm="handle"'
    return _finish(request, response, outcome)


# ------------------------------------------------------------------ GET /<handle>
def _negotiate(request) -> str:
    if request.GET.get("linkType", "").lower() == "linkset":
        return "linkset"
    accept = request.META.get("HTTP_ACCEPT", "")
    if LINKSET in accept:
        return "linkset"
    if JSON in accept and "text/html" not in accept:
        return "json"
    return "html"


def _page_url(request, handle: str) -> str:
    return request.build_absolute_uri("/" + urllib.parse.quote(handle, safe="/"))


def _default_link(record: dict) -> str:
    template = record.get("default_link") or ""
    if not template:
        return ""
    return (
        template.replace("{handle}", record["handle"])
        .replace("{prefix}", record.get("prefix", ""))
        .replace("{suffix}", record.get("suffix", ""))
    )


def linkset(request, record: dict) -> dict:
    page = _page_url(request, record["handle"])
    api = request.build_absolute_uri("/api/handles/" + urllib.parse.quote(record["handle"], safe="/"))
    context = {
        "anchor": page,
        "describedby": [{"href": api, "type": JSON, "title": _("Handle REST 标识记录")}],
        "alternate": [
            {"href": page, "type": "text/html", "hreflang": ["zh-CN"], "title": record.get("name") or ""}
        ],
    }
    link = _default_link(record)
    if link:
        context["related"] = [{"href": link, "title": _("默认跳转链接")}]
    return {"linkset": [context]}


def _json_body(record: dict) -> dict:
    return {
        "responseCode": resolver.RC_SUCCESS,
        "handle": record["handle"],
        "name": record.get("name", ""),
        "category": record.get("category", ""),
        "enterprise": record.get("enterprise", ""),
        "templateVersion": record.get("template_version"),
        "values": resolver.handle_values(record),
    }


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


@csrf_exempt
def handle_page(request, handle: str):
    if request.method == "OPTIONS":
        return _preflight(request)
    if request.method not in SAFE_METHODS:
        return _finish(request, HttpResponseNotAllowed(SAFE_METHODS))
    outcome = resolver.resolve(request, handle)
    fmt = _negotiate(request)
    linkset_url = _page_url(request, outcome.handle) + "?linkType=linkset"
    link_header = f'<{linkset_url}>; rel="linkset"; type="{LINKSET}"'

    if not outcome.ok:
        if fmt == "html":
            body = render_to_string(
                "resolution/not_found.html", {"outcome": outcome, "handle": handle}, request=request
            )
            response = HttpResponse(body, status=outcome.http_status)
        else:
            response = HttpResponse(
                resolver.rest_body(outcome), content_type=JSON, status=outcome.http_status
            )
        return _finish(request, response, outcome)

    record = outcome.record
    if fmt == "linkset":
        response = HttpResponse(
            json.dumps(linkset(request, record), ensure_ascii=False), content_type=LINKSET
        )
    elif fmt == "json":
        response = HttpResponse(json.dumps(_json_body(record), ensure_ascii=False), content_type=JSON)
    else:
        link = _default_link(record)
        if link and request.GET.get("redirect") != "0":
            query = request.META.get("QUERY_STRING", "")
            if query:
                link += ("&" if "?" in link else "?") + query
            response = HttpResponse(status=307)
            response["Location"] = link
        else:
            page = _page_url(request, record["handle"])
            body = render_to_string(
                "resolution/handle.html",
                {"record": record, "qr_svg": _qr_svg(page), "page_url": page, "default_link": link},
                request=request,
            )
            response = HttpResponse(body)
    response["Link"] = link_header
    response["Vary"] = "Accept"
    return _finish(request, response, outcome)


# ------------------------------------------------------------------ dashboards
def _charts(stats: dict) -> dict:
    labels = [d.strftime("%m-%d") for d in stats["days"]]
    return {
        "count_chart": bar_chart(list(zip(labels, stats["counts"], strict=True)), title=_("每日解析量")),
        "latency_chart": line_chart(
            labels, [(_("P50（毫秒）"), stats["p50"]), (_("P99（毫秒）"), stats["p99"])], title=_("解析延迟")
        ),
        "top_chart": hbar_chart(stats["top"], title=_("热门标识")),
    }


@park_role_required("park_admin", "park_operator", "park_auditor")
def park_dashboard(request):
    stats = selectors.daily_stats()
    return render(request, "resolution/dashboard.html", {"stats": stats, **_charts(stats), "scope": "park"})


@login_required
def enterprise_dashboard(request):
    enterprise = connection.tenant
    stats = selectors.daily_stats(enterprise=enterprise)
    return render(
        request, "resolution/dashboard.html", {"stats": stats, **_charts(stats), "scope": "enterprise"}
    )
