"""The read-only resolution endpoints as plain functions: a ``ResolutionRequest`` in, a
``Reply`` (status, headers, body) out, no Django request needed.

Both servers call these: the Django views (apps.resolution.views, thin callers) and the
resolution server (apps.resolution.server, granian). One set of rules: response codes, value
filters, negotiation, redirect, linkset, CORS, HEAD and the rate limit live here or below
(resolver, selectors, counters, cache), never in a server.

What needs Django's request cycle stays in Django: ``auth=true`` (token or session user) and the
HTML page. ``handle_page`` returns a ``Page`` for the HTML form; the caller renders it.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from apps.resolution import resolver
from apps.resolution.resolver import Outcome

JSON = "application/json"
LINKSET = "application/linkset+json"
# Django's HttpResponse default, spelled out so both servers send the same header.
HTML = "text/html; charset=utf-8"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "Link, Location, Retry-After"),
)


@dataclass(frozen=True)
class ResolutionRequest:
    """What the pipeline reads of a request. ``headers`` keys are lowercase; ``client`` is the
    rate-limit bucket (``apps.core.clients``: the trusted-proxy client address)."""

    method: str
    query: str
    headers: dict[str, str]
    client: str
    scheme: str
    host: str

    @cached_property
    def params(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(self.query, keep_blank_values=True) if self.query else {}

    def param(self, name: str, default: str = "") -> str:
        values = self.params.get(name)
        return values[-1] if values else default  # QueryDict.get: the last value

    def absolute(self, path: str) -> str:
        return f"{self.scheme}://{self.host}{path}"


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content_type: str = HTML


@dataclass
class Page:
    """The HTML form of ``/<handle>``: rendered by Django (templates, full request context)."""

    outcome: Outcome
    link_header: str


def wants_auth(request: ResolutionRequest) -> bool:
    return request.param("auth").lower() == "true" or request.param("publicOnly").lower() == "false"


def finish(request: ResolutionRequest, reply: Reply, outcome: Outcome | None = None) -> Reply:
    reply.headers.extend(CORS_HEADERS)
    if outcome is not None and outcome.retry_after is not None:
        reply.headers.append(("Retry-After", str(outcome.retry_after)))
    if request.method == "HEAD":
        reply.headers.append(("Content-Length", str(len(reply.body))))
        reply.body = b""
    return reply


def preflight(request: ResolutionRequest) -> Reply:
    methods = ", ".join(SAFE_METHODS)
    reply = Reply(
        204,
        [
            ("Allow", methods),
            ("Access-Control-Allow-Methods", methods),
            ("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type"),
            ("Access-Control-Max-Age", "86400"),
        ],
    )
    return finish(request, reply)


def not_allowed(request: ResolutionRequest) -> Reply:
    return finish(request, Reply(405, [("Allow", ", ".join(SAFE_METHODS))]))


# ------------------------------------------------------------------ GET /api/handles/<handle>
def handle_rest(request: ResolutionRequest, handle: str, *, values_for=None) -> Reply:
    """``values_for(record) -> values | None``: the caller's authentication for ``auth=true``
    (None: nobody authenticated → 402). Without it ``auth=true`` is refused the same way."""
    if request.method == "OPTIONS":
        return preflight(request)
    if request.method not in SAFE_METHODS:
        return not_allowed(request)
    outcome = resolver.resolve_for(request.client, handle)
    values = None
    if outcome.ok:
        if wants_auth(request) and outcome.record.get("kind") == "local":
            values = values_for(outcome.record) if values_for is not None else None
            if values is None:
                outcome = resolver.error(
                    resolver.RC_AUTH_NEEDED, outcome.handle, _("需要身份认证才能读取受限标识值")
                )
        indexes, types = request.params.get("index", []), request.params.get("type", [])
        if outcome.ok and (indexes or types):
            base = values if values is not None else resolver.handle_values(outcome.record)
            values = resolver.filter_values(base, indexes, types)
    reply = Reply(outcome.http_status, body=resolver.rest_body(outcome, values), content_type=JSON)
    if outcome.code == resolver.RC_AUTH_NEEDED:
        reply.headers.append(("WWW-Authenticate", 'Token realm="handle"'))
    return finish(request, reply, outcome)


# ------------------------------------------------------------------ GET /<handle>
def negotiate(request: ResolutionRequest) -> str:
    if request.param("linkType").lower() == "linkset":
        return "linkset"
    accept = request.headers.get("accept", "")
    if LINKSET in accept:
        return "linkset"
    if JSON in accept and "text/html" not in accept:
        return "json"
    return "html"


def page_url(request: ResolutionRequest, handle: str) -> str:
    return request.absolute("/" + urllib.parse.quote(handle, safe="/"))


def default_link(record: dict) -> str:
    template = record.get("default_link") or ""
    if not template:
        return ""
    return (
        template.replace("{handle}", record["handle"])
        .replace("{prefix}", record.get("prefix", ""))
        .replace("{suffix}", record.get("suffix", ""))
    )


def linkset(request: ResolutionRequest, record: dict) -> dict:
    page = page_url(request, record["handle"])
    api = request.absolute("/api/handles/" + urllib.parse.quote(record["handle"], safe="/"))
    context = {
        "anchor": page,
        "describedby": [{"href": api, "type": JSON, "title": _("Handle REST 标识记录")}],
        "alternate": [
            {"href": page, "type": "text/html", "hreflang": ["zh-CN"], "title": record.get("name") or ""}
        ],
    }
    link = default_link(record)
    if link:
        context["related"] = [{"href": link, "title": _("默认跳转链接")}]
    return {"linkset": [context]}


def json_body(record: dict) -> dict:
    return {
        "responseCode": resolver.RC_SUCCESS,
        "handle": record["handle"],
        "name": record.get("name", ""),
        "category": record.get("category", ""),
        "enterprise": record.get("enterprise", ""),
        "templateVersion": record.get("template_version"),
        "values": resolver.handle_values(record),
    }


def handle_page(request: ResolutionRequest, handle: str) -> Reply | Page:
    """Every form of ``/<handle>`` but the HTML page, which comes back as a ``Page``."""
    if request.method == "OPTIONS":
        return preflight(request)
    if request.method not in SAFE_METHODS:
        return not_allowed(request)
    outcome = resolver.resolve_for(request.client, handle)
    fmt = negotiate(request)
    link_header = f'<{page_url(request, outcome.handle)}?linkType=linkset>; rel="linkset"; type="{LINKSET}"'

    if not outcome.ok:
        if fmt == "html":
            return Page(outcome, link_header)
        reply = Reply(outcome.http_status, body=resolver.rest_body(outcome), content_type=JSON)
        return finish(request, reply, outcome)

    record = outcome.record
    if fmt == "linkset":
        body = json.dumps(linkset(request, record), ensure_ascii=False).encode()
        reply = Reply(200, body=body, content_type=LINKSET)
    elif fmt == "json":
        reply = Reply(200, body=json.dumps(json_body(record), ensure_ascii=False).encode(), content_type=JSON)
    else:
        link = default_link(record)
        if not link or request.param("redirect") == "0":
            return Page(outcome, link_header)
        if request.query:
            link += ("&" if "?" in link else "?") + request.query
        reply = Reply(307, [("Location", link)])
    reply.headers += [("Link", link_header), ("Vary", "Accept")]
    return finish(request, reply, outcome)


def page_headers(request: ResolutionRequest, page: Page) -> list[tuple[str, str]]:
    """Headers of the rendered HTML page (the caller renders the body, then calls ``finish``)."""
    return [("Link", page.link_header), ("Vary", "Accept")] if page.outcome.ok else []


# ------------------------------------------------------------------ read paths of other apps
# Apps built on resolution register the read-only paths both servers answer (apps.bid: the DID
# resolver path /1.0/identifiers/): path prefix -> (reply(request, rest) -> Reply, warm(rest) ->
# bool, True when reply can answer without blocking). The resolution server serves them for the
# park domain; Django routes them through the app's own URL conf.
EXTRA_READ_PATHS: dict[str, tuple] = {}


def register_read_path(prefix: str, reply, warm) -> None:
    EXTRA_READ_PATHS[prefix] = (reply, warm)
