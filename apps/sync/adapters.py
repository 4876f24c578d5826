"""The upstream behind one interface.

- Enterprise-node mode: ``SnmsAdapter`` speaks the public SNMS v5 API to a secondary node
  (any vendor's, or another instance of this project).
- Secondary-node mode: the national top-level node's interface is not public, so no adapter
  exists for it; with none configured the node produces the monthly filing report instead
  (``national_filing_build``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from apps.sync import snms
from apps.sync.client import SnmsClient


@dataclass
class ItemResult:
    handle: str
    ok: bool
    message: str


class UpstreamAdapter:
    """What the sync services need from an upstream node."""

    name = "upstream"

    def create(self, bodies: list[dict]) -> list[ItemResult]:
        raise NotImplementedError

    def update(self, bodies: list[dict]) -> list[ItemResult]:
        raise NotImplementedError

    def delete(self, handles: list[str]) -> list[ItemResult]:
        raise NotImplementedError

    def ensure_template(self, body: dict) -> None:
        raise NotImplementedError

    def apply_prefix(self, body: dict) -> None:
        raise NotImplementedError

    def prefix_status(self, prefix: str) -> dict | None:
        raise NotImplementedError

    def prefix_digest(self, prefix: str) -> dict | None:
        return None

    def prefix_handles(self, prefix: str, *, after: str = "", size: int = 5000) -> dict:
        return {"items": [], "next": None}

    def identifier_detail(self, handle: str) -> dict | None:
        raise NotImplementedError


def _results(handles: list[str], data: list[dict]) -> list[ItemResult]:
    """Per-item results by position; a node that answers fewer rows leaves the rest unknown."""
    out = []
    for i, handle in enumerate(handles):
        row = data[i] if i < len(data) and isinstance(data[i], dict) else None
        if row is None:
            out.append(ItemResult(handle, False, _("上级节点未返回该条结果")))
            continue
        msg = str(row.get("msg") or row.get("message") or "")
        code = row.get("code")
        ok = msg.lower() == snms.MSG_SUCCESS if code is None else (code == snms.STATUS_OK)
        out.append(ItemResult(str(row.get("handle") or handle), ok, msg))
    return out


class SnmsAdapter(UpstreamAdapter):
    name = "snms"

    def __init__(self, client: SnmsClient):
        self.client = client

    def create(self, bodies):
        return _results([b["handle"] for b in bodies], self.client.batch_create(bodies))

    def update(self, bodies):
        return _results([b["handle"] for b in bodies], self.client.batch_update(bodies))

    def delete(self, handles):
        return _results(handles, self.client.batch_delete(handles))

    def ensure_template(self, body):
        if self.client.template_get(body["prefix"], body["version"]) is None:
            self.client.template_create(body)

    def apply_prefix(self, body):
        self.client.enterprise_apply(body)

    def prefix_status(self, prefix):
        return self.client.prefix_query(prefix)

    def prefix_digest(self, prefix):
        return self.client.prefix_digest(prefix)

    def prefix_handles(self, prefix, *, after="", size=5000):
        return self.client.prefix_handles(prefix, after=after, size=size)

    def identifier_detail(self, handle):
        return self.client.identifier_detail(handle)


@dataclass
class Endpoint:
    """Where and as whom the adapter connects: the link's own fields, or the settings
    UPSTREAM_NODE_* where the link leaves them empty."""

    url: str
    username: str
    password: str
    timeout: float


def _link_defaults() -> dict:
    return {
        "url": "",
        "username": "",
        "password": "",
        "batch_size": getattr(settings, "SYNC_BATCH_SIZE", snms.BATCH_ADVISED),
    }


def link_current():
    """The UpstreamLink row for reading (the page): the stored one, or an unsaved default."""
    from apps.sync.models import UpstreamLink

    return UpstreamLink.objects.order_by("pk").first() or UpstreamLink(**_link_defaults())


def link_get():
    """The UpstreamLink row, created on first use by the services that record the link state."""
    from apps.sync.models import UpstreamLink

    link = UpstreamLink.objects.order_by("pk").first()
    if link is None:
        link = UpstreamLink.objects.create(**_link_defaults())
    return link


def link_endpoint(link) -> Endpoint:
    """Empty url → the settings' url, user and password (models.UpstreamLink)."""
    if link.url:
        return Endpoint(link.url, link.username, link.password, link.timeout_seconds)
    return Endpoint(
        getattr(settings, "UPSTREAM_NODE_URL", "") or "",
        link.username or getattr(settings, "UPSTREAM_NODE_USER", "") or "",
        link.password or getattr(settings, "UPSTREAM_NODE_PASSWORD", "") or "",
        link.timeout_seconds,
    )


def node_mode() -> str:
    """The park's node mode (Park.node_mode); secondary when no park row exists yet."""
    from apps.tenants.choices import NodeMode
    from apps.tenants.models import Park

    mode = Park.objects.order_by("pk").values_list("node_mode", flat=True).first()
    return mode or NodeMode.SECONDARY


def national_adapter_path() -> str:
    """SYNC_NATIONAL_ADAPTER: dotted path of a factory ``(endpoint) -> UpstreamAdapter | None``
    for the national top-level node (secondary-node mode). Empty: that interface is not public,
    so a secondary node has no upstream and files the monthly report instead."""
    return str(getattr(settings, "SYNC_NATIONAL_ADAPTER", "") or "")


def upstream_exists() -> bool:
    """Whether this node has an upstream at all: an enterprise node always has one (its
    secondary node); a secondary node only with a national adapter configured."""
    from apps.tenants.choices import NodeMode

    return node_mode() == NodeMode.ENTERPRISE or bool(national_adapter_path())


def link_configured(link=None) -> bool:
    """Whether a drain can reach an upstream: one exists, the link is enabled and has an address
    (secondary mode: the national adapter decides what it needs)."""
    from apps.tenants.choices import NodeMode

    link = link if link is not None else link_current()
    if not link.enabled:
        return False
    if node_mode() == NodeMode.SECONDARY:
        return bool(national_adapter_path())
    return bool(link_endpoint(link).url)


def adapter_for(link) -> UpstreamAdapter | None:
    """The adapter the node mode chooses: SNMS v5 to the secondary node (enterprise mode), the
    SYNC_NATIONAL_ADAPTER factory (secondary mode), or None when there is nothing to reach."""
    from apps.tenants.choices import NodeMode

    if not link.enabled:
        return None
    endpoint = link_endpoint(link)
    if node_mode() == NodeMode.SECONDARY:
        path = national_adapter_path()
        return import_string(path)(endpoint) if path else None
    if not endpoint.url:
        return None
    return SnmsAdapter(
        SnmsClient(
            base_url=endpoint.url,
            username=endpoint.username,
            password=endpoint.password,
            timeout=endpoint.timeout,
        )
    )


def national_filing_build(period: str):
    """Secondary-node mode with no national adapter: the monthly filing JSON (apps.reports)."""
    try:
        module = import_module("apps.reports.filing")
    except ModuleNotFoundError:
        return None
    build = getattr(module, "monthly_filing_build", None)
    return build(period) if build else None
