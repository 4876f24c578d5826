"""Writes for metadata templates: create, draft, items, publish, change requests.

Published versions are immutable: every write below refuses them. A published version
freezes its effective items (inherited ones included), so registration and resolution never
have to walk the parent chain again.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError, PermissionDenied
from apps.metadata.choices import (
    ChangeRequestStatus,
    Grade,
    ItemState,
    ItemType,
    ObjectCategory,
    TemplateLevel,
    VersionStatus,
)
from apps.metadata.inheritance import ITEM_FIELDS, compose, item_dict, tightening_errors
from apps.metadata.models import (
    FIRST_ITEM_INDEX,
    MetadataTemplate,
    TemplateChangeRequest,
    TemplateItem,
    TemplateNotice,
    TemplateVersion,
)
from apps.metadata.selectors import (
    effective_items,
    effective_items_with_errors,
    template_current_version,
    template_draft_version,
    template_latest_version,
)
from apps.metadata.signals import template_changed

PARENT_LEVEL = {
    TemplateLevel.NATIONAL: None,
    TemplateLevel.PARK: TemplateLevel.NATIONAL,
    TemplateLevel.ENTERPRISE: TemplateLevel.PARK,
}


def _raise(errors: dict[str, list[str]], code: str = "invalid") -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors, code=code)


def _validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}


def _require_draft(version: TemplateVersion) -> None:
    # Ask the database: an instance loaded before the version was published still says draft.
    status = TemplateVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
    if status != VersionStatus.DRAFT or version.status != VersionStatus.DRAFT:
        raise ApplicationError(
            _("%(version)s 已发布，已发布的版本不可修改；请新建草稿版本") % {"version": version},
            code="version_published",
        )


def _template_snapshot(template: MetadataTemplate) -> dict:
    return {
        "code": template.code,
        "name": template.name,
        "level": template.level,
        "category": template.category,
        "parent": template.parent.code if template.parent_id else None,
        "owner": template.owner_id,
        "industry": [
            template.industry_section,
            template.industry_division,
            template.industry_group,
            template.industry_class,
        ],
        "use_check_character": template.use_check_character,
        "default_link": template.default_link,
    }


# ---------------------------------------------------------------- templates


@transaction.atomic
def template_create(
    *,
    code: str,
    name: str,
    level: str,
    category: str,
    parent: MetadataTemplate | None = None,
    owner=None,
    industry_section: str = "",
    industry_division: str = "",
    industry_group: str = "",
    industry_class: str = "",
    description: str = "",
    use_check_character: bool = False,
    default_link: str = "",
    note: str = "",
) -> MetadataTemplate:
    """A template and its first draft version (inheriting the parent's current published version)."""
    errors: dict[str, list[str]] = {}
    expected_parent = PARENT_LEVEL.get(level)
    if level not in TemplateLevel.values:
        errors["level"] = [_("模板层级无效")]
    elif expected_parent is None and parent is not None:
        errors["parent"] = [_("国家元数据模板没有上级模板")]
    elif expected_parent is not None and parent is None:
        errors["parent"] = [_("请选择上级模板")]
    elif parent is not None and parent.level != expected_parent:
        errors["parent"] = [
            _("%(level)s的上级模板应为%(expected)s")
            % {"level": TemplateLevel(level).label, "expected": TemplateLevel(expected_parent).label}
        ]
    if level == TemplateLevel.ENTERPRISE and owner is None:
        errors["owner"] = [_("企业模板必须指定所属企业")]
    if level != TemplateLevel.ENTERPRISE and owner is not None:
        errors["owner"] = [_("只有企业模板有所属企业")]
    parent_version = None
    if parent is not None and "parent" not in errors:
        parent_version = template_current_version(parent)
        if parent_version is None:
            errors["parent"] = [_("上级模板「%(name)s」还没有已发布的版本") % {"name": parent.name}]
        if parent.owner_id and owner is not None and parent.owner_id != owner.pk:
            errors["parent"] = [_("不能继承其他企业的模板")]
    # Industry classification: an enterprise template defaults to its parent's.
    if parent is not None and not any([industry_section, industry_division, industry_group, industry_class]):
        industry_section, industry_division = parent.industry_section, parent.industry_division
        industry_group, industry_class = parent.industry_group, parent.industry_class
    template = MetadataTemplate(
        code=(code or "").strip(),
        name=(name or "").strip(),
        level=level,
        category=category,
        parent=parent,
        owner=owner,
        industry_section=industry_section.strip().upper(),
        industry_division=industry_division.strip(),
        industry_group=industry_group.strip(),
        industry_class=industry_class.strip(),
        description=description,
        use_check_character=use_check_character,
        default_link=default_link.strip(),
    )
    try:
        template.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in _validation_errors(exc).items():
            errors.setdefault(field, []).extend(messages)
    errors.update(_industry_errors(template))
    if "code" not in errors and MetadataTemplate.objects.filter(owner=owner, code=template.code).exists():
        errors["code"] = [_("模板编码 %(code)s 已存在") % {"code": template.code}]
    _raise(errors, "invalid_template")
    template.save()
    TemplateVersion.objects.create(template=template, number=1, parent_version=parent_version, note=note)
    audit_write(
        action="metadata.template.create",
        object_type="metadata.MetadataTemplate",
        object_id=template.pk,
        object_repr=str(template),
        after=_template_snapshot(template),
        tenant_schema="public",
    )
    return template


def _industry_errors(template: MetadataTemplate) -> dict[str, list[str]]:
    """GB/T 4754: 门类 A–T, 大类 2 digits, 中类 3 digits, 小类 4 digits, each extending the one above."""
    errors: dict[str, list[str]] = {}
    s, d, g, c = (
        template.industry_section,
        template.industry_division,
        template.industry_group,
        template.industry_class,
    )
    if s and not ("A" <= s <= "T" and len(s) == 1):
        errors["industry_section"] = [_("行业门类应为 A 至 T 的一个字母")]
    for field, value, length, upper in [
        ("industry_division", d, 2, ""),
        ("industry_group", g, 3, d),
        ("industry_class", c, 4, g),
    ]:
        if not value:
            continue
        if not (value.isdigit() and len(value) == length):
            errors[field] = [_("应为 %(n)s 位数字") % {"n": length}]
        elif upper and not value.startswith(upper):
            errors[field] = [_("%(value)s 不属于上一级分类 %(upper)s") % {"value": value, "upper": upper}]
        elif not upper and field != "industry_division":
            errors[field] = [_("请先填写上一级行业分类")]
    return errors


# What template_update may change (the form and the admin show these, the rest is read-only).
TEMPLATE_EDITABLE_FIELDS = (
    "name",
    "description",
    "industry_section",
    "industry_division",
    "industry_group",
    "industry_class",
    "use_check_character",
    "default_link",
)


@transaction.atomic
def template_update(*, template: MetadataTemplate, **fields) -> MetadataTemplate:
    """Descriptive fields only (name, description, industry, check character, default link);
    items change through versions."""
    allowed = set(TEMPLATE_EDITABLE_FIELDS)
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("不能修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    before = _template_snapshot(template)
    for field, value in fields.items():
        setattr(template, field, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    try:
        template.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = _validation_errors(exc)
    errors.update(_industry_errors(template))
    _raise(errors, "invalid_template")
    template.save()
    if (before["name"], before["default_link"]) != (template.name, template.default_link):
        # both are part of every cached resolution record of the template's identifiers
        transaction.on_commit(lambda: template_changed.send(sender=MetadataTemplate, template=template))
    audit_write(
        action="metadata.template.update",
        object_type="metadata.MetadataTemplate",
        object_id=template.pk,
        object_repr=str(template),
        before=before,
        after=_template_snapshot(template),
        tenant_schema="public",
    )
    return template


# ---------------------------------------------------------------- versions


@transaction.atomic
def template_version_create_draft(*, template: MetadataTemplate, note: str = "") -> TemplateVersion:
    """The template's draft version: the existing one, or a new one copying the latest
    version's own items and inheriting the parent's current published version."""
    MetadataTemplate.objects.select_for_update().filter(pk=template.pk).first()
    draft = template_draft_version(template)
    if draft is not None:
        return draft
    latest = template_latest_version(template)
    parent_version = template_current_version(template.parent) if template.parent_id else None
    if template.parent_id and parent_version is None:
        raise ApplicationError(_("上级模板还没有已发布的版本"))
    number = (TemplateVersion.objects.filter(template=template).aggregate(n=Max("number"))["n"] or 0) + 1
    draft = TemplateVersion.objects.create(
        template=template, number=number, parent_version=parent_version, note=note
    )
    if latest is not None:
        TemplateItem.objects.bulk_create(
            [
                TemplateItem(version=draft, **{field: getattr(item, field) for field in ITEM_FIELDS})
                for item in TemplateItem.objects.filter(version=latest)
            ]
        )
    audit_write(
        action="metadata.version.create_draft",
        object_type="metadata.TemplateVersion",
        object_id=draft.pk,
        object_repr=str(draft),
        after={"template": template.code, "number": number},
        tenant_schema="public",
    )
    return draft


# Each level numbers its own items in a range of its own, so an item a parent adds later
# does not collide with the index a child already gave one of its items.
LEVEL_INDEX_START = {
    TemplateLevel.NATIONAL: FIRST_ITEM_INDEX,
    TemplateLevel.PARK: 2100,
    TemplateLevel.ENTERPRISE: 2500,
}


def next_free_index(version: TemplateVersion) -> int:
    """The first index of the version's level range after every index it (with inheritance) uses."""
    used = {int(item["index"]) for item in effective_items(version)}
    used |= set(TemplateItem.objects.filter(version=version).values_list("index", flat=True))
    start = LEVEL_INDEX_START.get(version.template.level, FIRST_ITEM_INDEX)
    return max([start, *(i + 1 for i in used)])


def _baseline(version: TemplateVersion, code: str, *, own_history: bool = True) -> tuple[dict, str] | None:
    """What an item of ``version`` may only tighten: the inherited item with that code, or
    (``own_history``) the same template's item in its latest published version."""
    if version.parent_version_id:
        for item in effective_items(version.parent_version):
            if item["code"] == code:
                return item, _("上级模板")
    if not own_history:
        return None
    published = (
        TemplateVersion.objects.filter(template=version.template, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if published is not None:
        for item in published.effective_items:
            if item["code"] == code:
                return item, _("已发布版本")
    return None


def _check_items(version: TemplateVersion, own: list[dict], *, focus: str | None = None) -> None:
    inherited = effective_items(version.parent_version) if version.parent_version_id else []
    _items, errors = compose(
        inherited, own, origin_level=version.template.level, origin_template=version.template.code
    )
    if focus is not None:
        errors = {code: messages for code, messages in errors.items() if code == focus}
    _raise(errors, "invalid_item")


def _own_dicts(version: TemplateVersion, *, exclude_pk: int | None = None) -> list[dict]:
    return [
        item_dict(item, origin_level=version.template.level, origin_template=version.template.code)
        for item in TemplateItem.objects.filter(version=version).exclude(pk=exclude_pk)
    ]


def _normalise_item(data: dict) -> dict:
    item = {
        "name": (data.get("name") or "").strip(),
        "code": (data.get("code") or "").strip(),
        "index": data.get("index"),
        "item_type": data.get("item_type") or ItemType.STRING,
        "required": bool(data.get("required", False)),
        "unique": bool(data.get("unique", False)),
        "constraints": {k: v for k, v in (data.get("constraints") or {}).items() if v not in (None, "", [])},
        "grade": int(data.get("grade") or Grade.G1),
        "is_public": bool(data.get("is_public", True)),
        "state": data.get("state") or ItemState.ENABLED,
        "help_text": (data.get("help_text") or "").strip(),
        "order": int(data.get("order") or 0),
    }
    # Only 一级 values may be public (DESIGN: data grading); a higher grade is restricted.
    if item["grade"] > Grade.G1:
        item["is_public"] = False
    return item


def _item_audit(item: TemplateItem) -> dict:
    return {field: getattr(item, field) for field in ITEM_FIELDS}


@transaction.atomic
def template_item_add(*, version: TemplateVersion, **data) -> TemplateItem:
    """Add an item to a draft version (an override when it reuses an inherited code and index)."""
    _require_draft(version)
    item = _normalise_item(data)
    if item["index"] in (None, ""):
        item["index"] = next_free_index(version)
    try:
        item["index"] = int(item["index"])
    except (TypeError, ValueError):
        raise ApplicationError(_("索引应为整数"), errors={"index": [_("索引应为整数")]}) from None
    if not item["order"]:
        item["order"] = item["index"]
    own = _own_dicts(version)
    if any(other["code"] == item["code"] for other in own):
        message = _("英文编码 %(code)s 在本模板中已存在") % {"code": item["code"]}
        raise ApplicationError(message, errors={item["code"] or "code": [message]}, code="invalid_item")
    _check_items(version, [*own, item], focus=item["code"])
    row = TemplateItem(version=version, **item)
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save()
    audit_write(
        action="metadata.item.add",
        object_type="metadata.TemplateItem",
        object_id=row.pk,
        object_repr=f"{version} {row}",
        after=_item_audit(row),
        tenant_schema="public",
    )
    return row


@transaction.atomic
def template_item_update(*, item: TemplateItem, may_loosen: bool = False, **changes) -> TemplateItem:
    """Change an item of a draft version. An item already published (here or in a parent)
    may only be tightened, and keeps its code and index. ``may_loosen``: the template's own
    published versions do not bind the draft (an SNMS template, which its owner edits freely,
    apps.sync.template_import); a parent's items still do. Either way the published versions
    stay as they are and the draft is published as a new one."""
    version = item.version
    _require_draft(version)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的数据项字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    before = _item_audit(item)
    data = dict(before)
    data.update(changes)
    data = _normalise_item(data)
    found = _baseline(version, item.code, own_history=not may_loosen)
    if found is not None:
        baseline, against = found
        if data["code"] != item.code or int(data["index"]) != item.index:
            raise ApplicationError(
                _("「%(name)s」已发布过，不能修改英文编码或索引") % {"name": item.name}, code="invalid_item"
            )
        problems = tightening_errors(baseline, data, against=against)
        if problems:
            raise ApplicationError(problems[0], errors={item.code: problems}, code="loosening_refused")
    own = _own_dicts(version, exclude_pk=item.pk)
    _check_items(version, [*own, data], focus=data["code"])
    for field in ITEM_FIELDS:
        setattr(item, field, data[field])
    item.full_clean(validate_unique=False, validate_constraints=False)
    item.save()
    audit_write(
        action="metadata.item.update",
        object_type="metadata.TemplateItem",
        object_id=item.pk,
        object_repr=f"{version} {item}",
        before=before,
        after=_item_audit(item),
        tenant_schema="public",
    )
    return item


@transaction.atomic
def template_item_disable(*, item: TemplateItem) -> TemplateItem:
    """Items are disabled, never deleted: identifiers registered with them keep their values.
    An item inherited from a parent template cannot be disabled by the child."""
    version = item.version
    _require_draft(version)
    if version.parent_version_id and any(
        inherited["code"] == item.code for inherited in effective_items(version.parent_version)
    ):
        raise ApplicationError(
            _("「%(name)s」继承自上级模板，不能停用（数据项只增不减）") % {"name": item.name},
            code="remove_refused",
        )
    if item.state == ItemState.DISABLED:
        return item
    item.state = ItemState.DISABLED
    item.save(update_fields=["state"])
    audit_write(
        action="metadata.item.disable",
        object_type="metadata.TemplateItem",
        object_id=item.pk,
        object_repr=f"{version} {item}",
        before={"state": ItemState.ENABLED},
        after={"state": ItemState.DISABLED},
        tenant_schema="public",
    )
    return item


def template_item_delete(*, item: TemplateItem) -> None:
    """Refused, always: items are disabled, never deleted."""
    raise ApplicationError(_("数据项不能删除，只能停用"), code="delete_refused")


@transaction.atomic
def template_version_publish(*, version: TemplateVersion, actor=None, note: str = "") -> TemplateVersion:
    """Freeze the effective items (inheritance applied) and make the version immutable."""
    version = TemplateVersion.objects.select_for_update().select_related("template").get(pk=version.pk)
    _require_draft(version)
    if version.parent_version_id and version.parent_version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(_("上级模板版本尚未发布"))
    items, errors = effective_items_with_errors(version)
    _raise(errors, "invalid_item")
    if not any(item["state"] == ItemState.ENABLED for item in items):
        raise ApplicationError(_("模板至少需要一个启用的数据项"), code="empty_template")
    # Inherited items that a previous published version had must still be there.
    previous = template_current_version(version.template)
    if previous is not None:
        codes = {item["code"] for item in items}
        missing = [item["name"] for item in previous.effective_items if item["code"] not in codes]
        if missing:
            raise ApplicationError(
                _("新版本缺少已发布的数据项：%(names)s（数据项只能停用，不能删除）")
                % {"names": "、".join(missing)},
                code="remove_refused",
            )
    version.effective_items = items
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor if actor is not None and getattr(actor, "pk", None) else None
    if note:
        version.note = note
    version.save()
    audit_write(
        action="metadata.version.publish",
        object_type="metadata.TemplateVersion",
        object_id=version.pk,
        object_repr=str(version),
        after={"template": version.template.code, "number": version.number, "items": len(items)},
        tenant_schema="public",
    )
    return version


# ---------------------------------------------------------------- change requests


def _proposed_item(template: MetadataTemplate, proposed: dict) -> tuple[dict, TemplateVersion]:
    """Check a proposed item against the template's draft (or a would-be draft)."""
    base = template_draft_version(template) or template_current_version(template)
    if base is None:
        raise ApplicationError(_("模板还没有版本"))
    item = _normalise_item(proposed)
    if item["index"] in (None, ""):
        item["index"] = next_free_index(base)
    item["index"] = int(item["index"])
    if not item["order"]:
        item["order"] = item["index"]
    current = effective_items(base)
    if any(existing["code"] == item["code"] for existing in current):
        message = _("模板中已有英文编码为 %(code)s 的数据项") % {"code": item["code"]}
        raise ApplicationError(message, errors={"code": [message]}, code="invalid_item")
    _items, errors = compose(current, [item], origin_level=template.level, origin_template=template.code)
    _raise(errors, "invalid_item")
    return item, base


@transaction.atomic
def change_request_create(
    *, template: MetadataTemplate, enterprise, actor, proposed_item: dict, reason: str
) -> TemplateChangeRequest:
    """An enterprise asks the park to add an item to a park template."""
    if template.level != TemplateLevel.PARK:
        raise ApplicationError(_("只能对园区元数据模板提出变更申请"), code="not_park_template")
    if not (reason or "").strip():
        raise ApplicationError(_("请填写申请理由"), errors={"reason": [_("请填写申请理由")]})
    item, _base = _proposed_item(template, proposed_item)
    request = TemplateChangeRequest.objects.create(
        template=template,
        enterprise=enterprise,
        requested_by=actor if getattr(actor, "pk", None) else None,
        proposed_item=item,
        reason=reason.strip(),
    )
    audit_write(
        action="metadata.change_request.create",
        object_type="metadata.TemplateChangeRequest",
        object_id=request.pk,
        object_repr=str(request),
        after={"template": template.code, "enterprise": enterprise.code, "item": item},
        tenant_schema="public",
    )
    return request


def _lock_pending(request: TemplateChangeRequest) -> TemplateChangeRequest:
    request = (
        TemplateChangeRequest.objects.select_for_update()
        .select_related("template", "enterprise")
        .get(pk=request.pk)
    )
    if request.status != ChangeRequestStatus.PENDING:
        raise ApplicationError(
            _("该申请已处理（%(status)s）") % {"status": request.get_status_display()}, code="already_decided"
        )
    return request


def _require_park_admin(actor) -> None:
    if actor is None or not (getattr(actor, "is_park_admin", False)):
        raise PermissionDenied(_("只有园区管理员可以审核模板变更申请"))


def _notify(request: TemplateChangeRequest, kind: str, **params) -> TemplateNotice:
    """A notice stores what happened (kind + parameters) and is rendered when read, in the
    reader's language; title/body keep the source-language text for the record."""
    from django.conf import settings
    from django.utils import translation

    notice = TemplateNotice(
        enterprise=request.enterprise,
        change_request=request,
        kind=kind,
        params={
            "template": request.template.name,
            "name": request.proposed_item.get("name") or "",
            **{k: str(v) for k, v in params.items()},
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        notice.title, notice.body = notice.render()
    notice.save()
    return notice


def _decide(request: TemplateChangeRequest, *, status: str, actor, reason: str, version=None) -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.resulting_version = version
    request.save()
    audit_write(
        action=f"metadata.change_request.{status}",
        object_type="metadata.TemplateChangeRequest",
        object_id=request.pk,
        object_repr=str(request),
        before={"status": ChangeRequestStatus.PENDING},
        after={
            "status": status,
            "reason": reason,
            "version": str(version) if version else None,
            "enterprise": request.enterprise.code,
        },
        tenant_schema="public",
    )


@transaction.atomic
def change_request_approve(*, request: TemplateChangeRequest, actor, note: str = "") -> TemplateVersion:
    """Publish a new version: the current published one plus the requested item; tell the enterprise.

    Refused while park staff have a draft in progress: approving into it would publish their
    unreviewed changes along with the item. The draft is published (or finished) first."""
    _require_park_admin(actor)
    request = _lock_pending(request)
    template = request.template
    MetadataTemplate.objects.select_for_update().filter(pk=template.pk).first()
    pending = template_draft_version(template)
    if pending is not None:
        raise ApplicationError(
            _(
                "模板「%(template)s」有未发布的草稿版本 v%(number)s，批准申请会把草稿中未审核的修改一并发布。"
                "请先完成并发布该草稿，再批准此申请。"
            )
            % {"template": template.name, "number": pending.number},
            code="draft_in_progress",
        )
    draft = template_version_create_draft(template=template)
    proposed = dict(request.proposed_item)
    if TemplateItem.objects.filter(version=draft, index=proposed.get("index")).exists() or any(
        item["index"] == proposed.get("index") for item in effective_items(draft)
    ):
        proposed["index"] = next_free_index(draft)  # the index was taken since the request was made
    template_item_add(version=draft, **{field: proposed.get(field) for field in ITEM_FIELDS})
    version = template_version_publish(
        version=draft,
        actor=actor,
        note=note
        or _("按 %(enterprise)s 的变更申请新增数据项「%(name)s」")
        % {"enterprise": request.enterprise, "name": proposed.get("name")},
    )
    _decide(request, status=ChangeRequestStatus.APPROVED, actor=actor, reason=note, version=version)
    _notify(request, ChangeRequestStatus.APPROVED, version=version)
    return version


@transaction.atomic
def change_request_reject(*, request: TemplateChangeRequest, actor, reason: str) -> TemplateChangeRequest:
    _require_park_admin(actor)
    if not (reason or "").strip():
        raise ApplicationError(_("驳回时请填写原因"), errors={"reason": [_("驳回时请填写原因")]})
    request = _lock_pending(request)
    _decide(request, status=ChangeRequestStatus.REJECTED, actor=actor, reason=reason.strip())
    _notify(request, ChangeRequestStatus.REJECTED, reason=reason.strip())
    return request


@transaction.atomic
def change_request_forward(*, request: TemplateChangeRequest, actor, note: str = "") -> TemplateChangeRequest:
    """The item belongs in the national template: the park passes the request upward."""
    _require_park_admin(actor)
    request = _lock_pending(request)
    _decide(request, status=ChangeRequestStatus.FORWARDED, actor=actor, reason=note.strip())
    _notify(request, ChangeRequestStatus.FORWARDED, note=note.strip())
    return request


@transaction.atomic
def notice_mark_read(*, notice: TemplateNotice) -> TemplateNotice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


# ---------------------------------------------------------------- enterprise templates


def enterprise_template_create(
    *, enterprise, parent: MetadataTemplate, code: str, name: str, description: str = "", items=()
) -> MetadataTemplate:
    """An enterprise extends a park template with its own items, no approval needed. The
    template is created with a draft; ``items`` (dicts) are added to it."""
    with transaction.atomic():
        template = template_create(
            code=code,
            name=name,
            level=TemplateLevel.ENTERPRISE,
            category=parent.category if parent.category else ObjectCategory.GENERAL,
            parent=parent,
            owner=enterprise,
            description=description,
            use_check_character=parent.use_check_character,
            default_link=parent.default_link,
        )
        draft = template.versions.get()
        for data in items:
            template_item_add(version=draft, **data)
    return template


def require_owner(template: MetadataTemplate, enterprise) -> None:
    if template.owner_id != getattr(enterprise, "pk", None):
        raise PermissionDenied(_("只能修改本企业的模板"))
