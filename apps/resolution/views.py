"""Resolution endpoints: Handle REST read, the human/scanner page; dashboards. (The SNMS
detail read, which needs the SNMS token, is apps.sync.server's.)

The protocol views are plain Django functions (no DRF, no session read unless ``auth=true``):
they are the hot path.
"""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.accounts.decorators import park_role_required
from apps.core.charts import bar_chart, hbar_chart, line_chart
from apps.resolution import pipeline, resolver, selectors

# ASGI scope key under which the resolution server passes its answer for the HTML form.
PAGE_SCOPE_KEY = "park.resolution_page"


def resolution_request(request) -> pipeline.ResolutionRequest:
    """The pipeline's view of a Django request."""
    return pipeline.ResolutionRequest(
        method=request.method,
        query=request.META.get("QUERY_STRING", ""),
        headers={
            "accept": request.META.get("HTTP_ACCEPT", ""),
            "authorization": request.META.get("HTTP_AUTHORIZATION", ""),
        },
        client=resolver.client_id(request),
        scheme=request.scheme,
        host=request.get_host(),
    )


def _response(reply: pipeline.Reply) -> HttpResponse:
    response = HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers:
        response[name] = value
    return response


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


# ------------------------------------------------------------------ GET /api/handles/<handle>
@csrf_exempt
def handle_rest(request, handle: str):
    def values_for(record: dict) -> list[dict] | None:
        user = _authenticated_user(request)
        return None if user is None else _values_for_caller(user, record)

    return _response(pipeline.handle_rest(resolution_request(request), handle, values_for=values_for))


# ------------------------------------------------------------------ GET /<handle>
def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


@csrf_exempt
def handle_page(request, handle: str):
    req = resolution_request(request)
    # The resolution server resolved this request already and hands it on for its HTML form
    # (apps.resolution.server): render that answer, do not count or rate-limit it twice.
    page = getattr(request, "scope", {}).get(PAGE_SCOPE_KEY) or pipeline.handle_page(req, handle)
    if isinstance(page, pipeline.Reply):
        return _response(page)
    outcome = page.outcome
    if not outcome.ok:
        body = render_to_string(
            "resolution/not_found.html", {"outcome": outcome, "handle": handle}, request=request
        )
    else:
        record = outcome.record
        url = pipeline.page_url(req, record["handle"])
        public_rows, technical_rows = split_display(selectors.display_values(record))
        body = render_to_string(
            "resolution/handle.html",
            {
                "record": record,
                "rows": public_rows,
                "technical_rows": technical_rows,
                "qr_svg": _qr_svg(url),
                "page_url": url,
                "default_link": pipeline.default_link(record),
            },
            request=request,
        )
    reply = pipeline.Reply(outcome.http_status, pipeline.page_headers(req, page), body.encode())
    return _response(pipeline.finish(req, reply, outcome))


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


# Handle bookkeeping rows: shown only behind the page's 技术信息 disclosure.
TECHNICAL_TYPES = ("TEMPLATE_ID", "TEMPLATE")


def split_display(display: list[dict]) -> tuple[list[dict], list[dict]]:
    """The page's rows for people, and the technical ones (HS_* and the template stamps). A row
    referencing another identifier carries ``href``, that identifier's page on this host."""
    public, technical = [], []
    for row in display:
        kind = str(row.get("type") or "")
        value = str(row.get("value") or "").strip()
        is_handle = "/" in value and "://" not in value and not any(c.isspace() for c in value)
        row = dict(row, href=f"/{quote(value, safe='/')}" if row.get("reference") and is_handle else "")
        if kind.startswith("HS_") or kind in TECHNICAL_TYPES:
            technical.append(row)
        else:
            public.append(row)
    return public, technical
