"""SNMS templates received by our server → our typed templates, through the metadata services.

An SNMS template (``/snms/api/v5/template``, docs/openApi/v5/template.md) becomes an
enterprise template of the prefix's enterprise; each POST or PUT publishes a new version of it
(``template_version_create_draft`` → ``template_item_add`` / ``template_item_update`` /
``template_item_disable`` → ``template_version_publish``), so the metadata rules and audit
apply exactly as in the portal. The mapping (prefix, version) → TemplateVersion is kept in
SnmsTemplateBinding.

The documented rules followed here:

- POST: every item names its ``idIndex`` (必填, from 2000; 1000, 1001 and 1999 are reserved)
  and ``metadata.minLength`` / ``maxLength`` (必填); ``metadata.type`` is the lower-case string.
- PUT is incremental: an item whose ``idIndex`` and ``idType`` match an existing item changes
  it ("修改操作，items[i].idIndex 和 items[i].idType 必须匹配": a mismatched pair is refused);
  an item without ``idIndex`` (or with one not in use) is added ("idIndex 不传进行新增操作",
  at the next free index; ``idType`` may not repeat); items are never deleted, only disabled;
  ``state`` left out keeps the state ("state 不传保持状态不变").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.identifiers.choices import IdentifierStatus
from apps.identifiers.models import Identifier
from apps.metadata import services as metadata
from apps.metadata.choices import ItemState, ItemType, ObjectCategory, TemplateLevel
from apps.metadata.models import FIRST_ITEM_INDEX, MetadataTemplate, TemplateItem, TemplateVersion
from apps.sync.models import SnmsTemplateBinding

RESERVED_INDEXES = {1000, 1001, 1999}
INDUSTRY_FIELDS = (
    ("industryCategory", "industry_section"),
    ("industrySpecific", "industry_division"),
    ("industryTrade", "industry_group"),
    ("industrySubclass", "industry_class"),
)


def _refuse(message: str, code: str = "invalid_item") -> None:
    raise ApplicationError(message, code=code)


def _index_of(item: dict, i: int, *, required: bool) -> int | None:
    raw = item.get("idIndex")
    if raw in (None, ""):
        if required:
            _refuse(_("缺少必要的请求参数: items[%(i)d].idIndex") % {"i": i})
        return None
    try:
        index = int(raw)
    except (TypeError, ValueError):
        raise ApplicationError(_("items[%(i)d].idIndex 必须是整数") % {"i": i}, code="invalid_item") from None
    if index in RESERVED_INDEXES:
        _refuse(_("items[%(i)d].idIndex %(index)d 为预留索引，不可使用") % {"i": i, "index": index})
    if index < FIRST_ITEM_INDEX:
        _refuse(_("items[%(i)d].idIndex 需要从%(first)d开始") % {"i": i, "first": FIRST_ITEM_INDEX})
    return index


def _item_fields(item: dict, i: int, *, create: bool) -> dict:
    """One SNMS item → the metadata services' item fields (without index and state)."""
    if not isinstance(item, dict):
        _refuse(_("items[%(i)d] 必须是对象") % {"i": i})
    name, code = str(item.get("name") or "").strip(), str(item.get("idType") or "").strip()
    if not name:
        _refuse(_("缺少必要的请求参数: items[%(i)d].name") % {"i": i})
    if not code:
        _refuse(_("缺少必要的请求参数: items[%(i)d].idType") % {"i": i})
    meta = item.get("metadata")
    if not isinstance(meta, dict):
        _refuse(_("缺少必要的请求参数: items[%(i)d].metadata") % {"i": i})
    if str(meta.get("type") or "string") != "string":
        _refuse(_("items[%(i)d].metadata.type 必须为小写 string") % {"i": i})
    if meta.get("dataType"):
        # Sent by another instance of this project (apps.metadata.exchange): the typed item
        # travels beside the documented string type, so it maps back exactly.
        from apps.metadata.exchange import item_from_snms

        typed = item_from_snms(item)
        implied = meta.get("lengthImplied") or []
        # minLength/maxLength filled in only because the API requires them
        # (apps.sync.services.template_body) are not rules of the item.
        for src, dst in (("minLength", "min_length"), ("maxLength", "max_length")):
            if isinstance(implied, list) and src in implied:
                typed["constraints"].pop(dst, None)
        typed.update(name=name, code=code)
        typed["_lengths"] = {"minLength", "maxLength"} <= {k for k, v in meta.items() if v not in (None, "")}
        for key in ("index", "state", "order"):
            typed.pop(key, None)
        return typed
    constraints = {}
    for src, dst in (("minLength", "min_length"), ("maxLength", "max_length")):
        value = meta.get(src)
        if value in (None, ""):
            if create:
                _refuse(_("缺少必要的请求参数: items[%(i)d].metadata.%(field)s") % {"i": i, "field": src})
            continue
        try:
            constraints[dst] = int(value)
        except (TypeError, ValueError):
            raise ApplicationError(
                _("items[%(i)d].metadata.%(field)s 必须是整数") % {"i": i, "field": src}, code="invalid_item"
            ) from None
    fields = {"name": name, "code": code, "item_type": ItemType.STRING, "constraints": constraints}
    fields["_lengths"] = {"minLength", "maxLength"} <= {k for k, v in meta.items() if v not in (None, "")}
    if create or "required" in item:
        fields["required"] = bool(item.get("required"))
    return fields


def _state_of(item: dict, i: int) -> str | None:
    if "state" not in item or item.get("state") in (None, ""):
        return None
    if str(item["state"]) not in ("0", "1"):
        _refuse(_("items[%(i)d].state 只能是 0（禁用）或 1（启用）") % {"i": i})
    return ItemState.ENABLED if str(item["state"]) == "1" else ItemState.DISABLED


def _items(body: dict) -> list:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        _refuse(_("缺少必要的请求参数: items"), code="missing_items")
    return items


def _industry(body: dict) -> dict:
    return {dst: str(body.get(src) or "").strip() for src, dst in INDUSTRY_FIELDS}


def _require_documented(body: dict) -> None:
    """The fields the documentation marks 必填 on POST and PUT besides prefix/version/items."""
    for src, _dst in INDUSTRY_FIELDS:
        if not str(body.get(src) or "").strip():
            _refuse(_("缺少必要的请求参数: %(field)s") % {"field": src}, code="missing_field")
    if str(body.get("type") or "") not in ("1", "2"):
        _refuse(_("type 必须为 1（主动标识载体）或 2（其他）"), code="missing_field")


def _template_for(*, prefix, body: dict, version_name: str) -> MetadataTemplate:
    """The enterprise template the SNMS template maps onto. ``metadata.template_create`` wants a
    park parent for every enterprise template, but an SNMS template stands alone (its items take
    the indexes from 2000 that the national core's own), so the row is written here, validated
    and audited like the service does; its versions and items go through the services."""
    code = f"snms-{prefix.prefix}-{version_name}"[:64]
    template = MetadataTemplate.objects.filter(owner=prefix.enterprise, code=code).first()
    if template is not None:
        return template
    template = MetadataTemplate(
        code=code,
        name=str(body.get("description") or version_name)[:100],
        level=TemplateLevel.ENTERPRISE,
        category=ObjectCategory.GENERAL,
        owner=prefix.enterprise,
        description=str(body.get("description") or ""),
        **{k: v[: MetadataTemplate._meta.get_field(k).max_length] for k, v in _industry(body).items()},
    )
    try:
        template.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError(
            "；".join(exc.messages), errors=exc.message_dict, code="invalid_template"
        ) from exc
    template.save()
    audit_write(
        action="metadata.template.create",
        object_type="metadata.MetadataTemplate",
        object_id=template.pk,
        object_repr=str(template),
        after={"code": template.code, "owner": template.owner_id, "source": "snms", "version": version_name},
        tenant_schema="public",
    )
    return template


def _with_position(i: int, exc: ApplicationError) -> ApplicationError:
    return ApplicationError(
        _("items[%(i)d]: %(message)s") % {"i": i, "message": exc.message}, errors=exc.errors, code=exc.code
    )


def _publish(draft: TemplateVersion, *, actor, version_name: str) -> TemplateVersion:
    return metadata.template_version_publish(version=draft, actor=actor, note=f"SNMS {version_name}")


@transaction.atomic
def snms_template_save(*, prefix, body: dict, actor, create: bool) -> TemplateVersion:
    """POST (``create``) or PUT of an SNMS template: a new published version of its template."""
    version_name = str(body["version"])[:128]
    binding = (
        SnmsTemplateBinding.objects.select_for_update()
        .filter(prefix__iexact=prefix.prefix, version=version_name)
        .first()
    )
    if create and binding is not None:
        _refuse(_("模板已存在"), code="exists")
    if not create and binding is None:
        _refuse(_("模板不存在"), code="not_found")
    _require_documented(body)
    items = _items(body)
    if create:
        template = _template_for(prefix=prefix, body=body, version_name=version_name)
    else:
        template = binding.template_version.template
        _update_template_fields(template, body)
    draft = metadata.template_version_create_draft(template=template, note=f"SNMS {version_name}")
    if create:
        _add_all(draft, items)
    else:
        _apply_increment(draft, items)
    tv = _publish(draft, actor=actor, version_name=version_name)
    if binding is None:
        SnmsTemplateBinding.objects.create(
            prefix=prefix.prefix, version=version_name, template_version=tv, payload=body
        )
    else:
        binding.template_version, binding.payload = tv, body
        binding.save(update_fields=["template_version", "payload"])
    return tv


def _add_all(draft: TemplateVersion, items: list) -> None:
    # The draft may carry the items of an earlier template of that name (deleted, posted again).
    for row in TemplateItem.objects.filter(version=draft, state=ItemState.ENABLED):
        metadata.template_item_disable(item=row)
    taken = {row.code: row for row in TemplateItem.objects.filter(version=draft)}
    for i, item in enumerate(items):
        fields = _item_fields(item, i, create=True)
        if not fields.pop("_lengths"):
            _refuse(_("缺少必要的请求参数: items[%(i)d].metadata.minLength / maxLength") % {"i": i})
        index = _index_of(item, i, required=True)
        state = _state_of(item, i) or ItemState.ENABLED
        try:
            if fields["code"] in taken and taken[fields["code"]].index == index:
                row = taken[fields["code"]]
                changes = {k: v for k, v in fields.items() if getattr(row, k) != v}
                metadata.template_item_update(item=row, may_loosen=True, state=ItemState.ENABLED, **changes)
                if state == ItemState.DISABLED:
                    metadata.template_item_disable(item=row)
                continue
            row = metadata.template_item_add(version=draft, index=index, order=i + 1, **fields)
            if state == ItemState.DISABLED:
                metadata.template_item_disable(item=row)
        except ApplicationError as exc:
            raise _with_position(i, exc) from exc


def _next_free_index(draft: TemplateVersion) -> int:
    """SNMS templates number their items from 2000 on: the index after the highest in use."""
    used = TemplateItem.objects.filter(version=draft).values_list("index", flat=True)
    index = max([FIRST_ITEM_INDEX - 1, *used]) + 1
    while index in RESERVED_INDEXES:
        index += 1
    return index


def _apply_increment(draft: TemplateVersion, items: list) -> None:
    for i, item in enumerate(items):
        fields = _item_fields(item, i, create=False)
        lengths = fields.pop("_lengths")
        index = _index_of(item, i, required=False)
        state = _state_of(item, i)
        rows = list(TemplateItem.objects.filter(version=draft))
        by_index = {row.index: row for row in rows}
        by_code = {row.code: row for row in rows}
        row = by_index.get(index) if index is not None else None
        try:
            if row is not None:
                if row.code != fields["code"]:
                    _refuse(
                        _(
                            "items[%(i)d]: idIndex %(index)d 对应的数据项是 %(code)s，与 idType %(given)s 不匹配"
                            "（修改操作 idIndex 和 idType 必须匹配）"
                        )
                        % {"i": i, "index": index, "code": row.code, "given": fields["code"]}
                    )
                changes = {k: v for k, v in fields.items() if k != "constraints" and getattr(row, k) != v}
                constraints = dict(row.constraints or {}, **fields.get("constraints", {}))
                if constraints != (row.constraints or {}):
                    changes["constraints"] = constraints
                if state == ItemState.ENABLED and row.state != ItemState.ENABLED:
                    changes["state"] = ItemState.ENABLED
                if changes:
                    metadata.template_item_update(item=row, may_loosen=True, **changes)
                if state == ItemState.DISABLED and row.state != ItemState.DISABLED:
                    metadata.template_item_disable(item=TemplateItem.objects.get(pk=row.pk))
                continue
            if fields["code"] in by_code:
                _refuse(
                    _("items[%(i)d]: idType %(code)s 已存在（新增的数据项 idType 不能重复）")
                    % {"i": i, "code": fields["code"]}
                )
            fields.setdefault("required", False)
            if not lengths:
                _refuse(
                    _("缺少必要的请求参数: items[%(i)d].metadata.minLength / maxLength") % {"i": i},
                )
            new = metadata.template_item_add(
                version=draft,
                index=index if index is not None else _next_free_index(draft),
                order=len(rows) + 1,
                **fields,
            )
            if state == ItemState.DISABLED:
                metadata.template_item_disable(item=new)
        except ApplicationError as exc:
            if str(exc.message).startswith("items["):
                raise
            raise _with_position(i, exc) from exc


def _update_template_fields(template: MetadataTemplate, body: dict) -> None:
    changes = {k: v for k, v in _industry(body).items() if getattr(template, k) != v}
    description = body.get("description")
    if description is not None and str(description) != template.description:
        changes["description"] = str(description)
    if changes:
        metadata.template_update(template=template, **changes)


@transaction.atomic
def snms_template_delete(*, prefix, version: str, actor) -> None:
    """DELETE: the SNMS name is released. Published versions are immutable and stay (our
    metadata never deletes one); a template whose versions identifiers use is kept named."""
    binding = (
        SnmsTemplateBinding.objects.select_for_update()
        .select_related("template_version__template")
        .filter(prefix__iexact=prefix.prefix, version=version)
        .first()
    )
    if binding is None:
        _refuse(_("模板不存在"), code="not_found")
    template = binding.template_version.template
    # Withdrawn (deleted) identifiers keep their version, which stays (versions are never
    # deleted): only live ones hold the name.
    if (
        Identifier.objects.filter(template_version__template=template)
        .exclude(status=IdentifierStatus.WITHDRAWN)
        .exists()
    ):
        _refuse(_("模板已被标识使用，不能删除"), code="in_use")
    audit_write(
        action="metadata.snms_template_delete",
        object_type="metadata.TemplateVersion",
        object_id=binding.template_version_id,
        object_repr=f"{prefix.prefix} {version}",
        before={"prefix": prefix.prefix, "version": version, "template": template.code},
        actor_user_id=getattr(actor, "pk", None),
        tenant_schema="public",
    )
    binding.delete()
