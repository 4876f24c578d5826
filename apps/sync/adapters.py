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
            out.append(ItemResult(handle, False, "上级节点未返回该条结果"))
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


def link_get():
    """The UpstreamLink row (created on first use) merged with the settings."""
    from apps.sync.models import UpstreamLink

    link = UpstreamLink.objects.order_by("pk").first()
    if link is None:
        link = UpstreamLink.objects.create(
            url=getattr(settings, "UPSTREAM_NODE_URL", ""),
            username=getattr(settings, "UPSTREAM_NODE_USER", ""),
            password=getattr(settings, "UPSTREAM_NODE_PASSWORD", ""),
            batch_size=getattr(settings, "SYNC_BATCH_SIZE", snms.BATCH_ADVISED),
        )
    return link


def link_configured() -> bool:
    from apps.sync.models import UpstreamLink

    if getattr(settings, "UPSTREAM_NODE_URL", ""):
        return True
    return UpstreamLink.objects.exclude(url="").filter(enabled=True).exists()


def adapter_for(link) -> UpstreamAdapter | None:
    if not link.enabled or not link.url:
        return None
    return SnmsAdapter(
        SnmsClient(
            base_url=link.url, username=link.username, password=link.password, timeout=link.timeout_seconds
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
