"""Reads of metadata templates."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.metadata.choices import ChangeRequestStatus, TemplateLevel, VersionStatus
from apps.metadata.inheritance import compose, item_dict
from apps.metadata.models import MetadataTemplate, TemplateChangeRequest, TemplateItem, TemplateVersion


def _own_items(version: TemplateVersion) -> list[dict]:
    template = version.template
    return [
        item_dict(item, origin_level=template.level, origin_template=template.code)
        for item in TemplateItem.objects.filter(version=version).order_by("order", "index")
    ]


def effective_items_with_errors(version: TemplateVersion) -> tuple[list[dict], dict[str, list[str]]]:
    """Effective items (inherited + own) of a version, computed live, and rule violations."""
    inherited = effective_items(version.parent_version) if version.parent_version_id else []
    return compose(
        inherited,
        _own_items(version),
        origin_level=version.template.level,
        origin_template=version.template.code,
    )


def effective_items(version: TemplateVersion | None) -> list[dict]:
    """Every item (enabled and disabled) an identifier under ``version`` is checked against,
    inherited ones included. A published version answers with its frozen snapshot."""
    if version is None:
        return []
    if version.status == VersionStatus.PUBLISHED:
        return [
            dict(item, constraints=dict(item.get("constraints") or {})) for item in version.effective_items
        ]
    items, _errors = effective_items_with_errors(version)
    return items


def enabled_items(version: TemplateVersion) -> list[dict]:
    return [item for item in effective_items(version) if item.get("state") == "enabled"]


def template_current_version(template: MetadataTemplate) -> TemplateVersion | None:
    """The latest published version (what new identifiers register under)."""
    return (
        TemplateVersion.objects.filter(template=template, status=VersionStatus.PUBLISHED)
        .select_related("template")
        .order_by("-number")
        .first()
    )


def template_current_versions(templates) -> dict[int, TemplateVersion]:
    """``template_current_version`` of many templates in one query: {template id: version}."""
    versions = (
        TemplateVersion.objects.filter(template__in=[t.pk for t in templates], status=VersionStatus.PUBLISHED)
        .select_related("template")
        .order_by("template_id", "-number")
        .distinct("template_id")
    )
    return {version.template_id: version for version in versions}


def template_draft_version(template: MetadataTemplate) -> TemplateVersion | None:
    return (
        TemplateVersion.objects.filter(template=template, status=VersionStatus.DRAFT)
        .select_related("template")
        .order_by("-number")
        .first()
    )


def template_latest_version(template: MetadataTemplate) -> TemplateVersion | None:
    return (
        TemplateVersion.objects.filter(template=template)
        .select_related("template")
        .order_by("-number")
        .first()
    )


def templates_for_enterprise(enterprise, *, published_only: bool = False) -> QuerySet[MetadataTemplate]:
    """National and park templates plus that enterprise's own templates."""
    qs = MetadataTemplate.objects.filter(
        Q(level__in=[TemplateLevel.NATIONAL, TemplateLevel.PARK], owner__isnull=True) | Q(owner=enterprise)
    )
    if published_only:
        qs = qs.filter(versions__status=VersionStatus.PUBLISHED).distinct()
    return qs.select_related("parent", "owner").order_by("level", "category", "code")


def templates_readable_by(user) -> QuerySet[MetadataTemplate]:
    """Park domain: park staff read every template; other users the shared templates and their
    enterprises' own, published ones only."""
    qs = MetadataTemplate.objects.select_related("parent", "owner").order_by("level", "category", "code")
    if user.is_park_staff:
        return qs
    enterprises = user.memberships.values("enterprise_id")
    return (
        qs.filter(Q(owner__isnull=True) | Q(owner_id__in=enterprises))
        .filter(versions__status=VersionStatus.PUBLISHED)
        .distinct()
    )


def template_list(
    *, level: str | None = None, category: str | None = None, owner=None, q: str = ""
) -> QuerySet:
    qs = MetadataTemplate.objects.select_related("parent", "owner")
    if level:
        qs = qs.filter(level=level)
    if category:
        qs = qs.filter(category=category)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("level", "category", "code")


def template_get_by_code(code: str, *, owner=None) -> MetadataTemplate | None:
    """A template by code: the owner's own template first, then the shared (national/park) one."""
    if owner is not None:
        own = MetadataTemplate.objects.filter(owner=owner, code=code).first()
        if own is not None:
            return own
    return MetadataTemplate.objects.filter(owner__isnull=True, code=code).first()


def template_for_category(category: str, *, level: str = TemplateLevel.PARK) -> MetadataTemplate | None:
    """The shared template of an object category (seed data has one park template per category)."""
    return (
        MetadataTemplate.objects.filter(owner__isnull=True, level=level, category=category)
        .order_by("id")
        .first()
    )


def template_ancestors(template: MetadataTemplate) -> list[MetadataTemplate]:
    chain, node = [], template.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def change_request_list(*, template=None, enterprise=None, status: str | None = None) -> QuerySet:
    qs = TemplateChangeRequest.objects.select_related("template", "enterprise", "requested_by", "decided_by")
    if template is not None:
        qs = qs.filter(template=template)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def pending_change_request_count() -> int:
    return TemplateChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING).count()


def notices_for_enterprise(enterprise, *, unread_only: bool = False) -> QuerySet:
    """Messages to an enterprise about its change requests (for its dashboard or inbox)."""
    from apps.metadata.models import TemplateNotice

    qs = TemplateNotice.objects.filter(enterprise=enterprise).select_related("change_request")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")
