"""Registry rows with hand-picked Handle values for the protocol-shape tests (created directly).
Tests of restricted values and of invalidation use the registry's real services instead
(``identifier_register``/``identifier_update``/``identifier_withdraw``, see test_restricted)."""

from __future__ import annotations

from apps.identifiers.models import Identifier, Prefix
from apps.metadata.models import MetadataTemplate, TemplateVersion


def value(index: int, type_: str, text: str, ttl: int = 86400) -> dict:
    return {"index": index, "type": type_, "data": {"format": "string", "value": text}, "ttl": ttl}


def template_version(*, default_link: str = "", code: str = "ROAD_LAMP") -> TemplateVersion:
    template, _ = MetadataTemplate.objects.get_or_create(
        code=code,
        level="park",
        defaults={"name": "路灯模板", "category": "road", "default_link": default_link},
    )
    if template.default_link != default_link:
        template.default_link = default_link
        template.save()
    version, _ = TemplateVersion.objects.get_or_create(
        template=template,
        number=1,
        defaults={
            "status": "published",
            "effective_items": [
                {"name": "名称", "code": "name", "index": 2000, "constraints": {}},
                {"name": "功率", "code": "power", "index": 2001, "constraints": {"unit": "W"}},
            ],
        },
    )
    return version


def prefix_for(enterprise, text: str | None = None) -> Prefix:
    text = text or f"88.101.{enterprise.code.lower()}"
    prefix, _ = Prefix.objects.get_or_create(
        prefix=text, defaults={"enterprise": enterprise, "status": "active"}
    )
    return prefix


def identifier(
    enterprise, suffix: str, *, values=None, default_link: str = "", name: str = "1号路灯", status="active"
):
    prefix = prefix_for(enterprise)
    version = template_version(default_link=default_link, code="LINKED" if default_link else "ROAD_LAMP")
    return Identifier.objects.create(
        handle=f"{prefix.prefix}/{suffix}",
        prefix=prefix,
        suffix=suffix,
        object_code=suffix,
        enterprise=enterprise,
        category="road",
        template_version=version,
        name=name,
        status=status,
        values=values
        if values is not None
        else [
            value(2000, "name", name),
            value(2001, "power", "120"),
            value(1, "URL", "https://example.com/lamp"),
        ],
    )
