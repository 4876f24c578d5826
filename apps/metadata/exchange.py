"""Templates in and out: the secondary-node (SNMS) API's template shape, and JSON Schema.

SNMS template (企业节点业务系统 /snms/api/v3/template):
``{prefix, version, industryCategory, industrySpecific, industryTrade, industrySubclass, type,
description, items: [{name, idType, required, metadata: {type: "string", minLength, maxLength}}]}``.
We add ``idIndex`` and ``state`` to each item (identifier values carry the index, and disabled
items must travel too) and keep our richer rules in ``metadata`` beside ``type``, which stays
the lower-case ``"string"`` the upstream API insists on (our own type is ``dataType``).
The sync helper uses :func:`template_to_snms` for upstream payloads.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.metadata.choices import ItemState, ItemType, ObjectCategory, TemplateLevel
from apps.metadata.inheritance import ITEM_FIELDS
from apps.metadata.models import MetadataTemplate, TemplateVersion
from apps.metadata.selectors import effective_items, template_current_version, template_get_by_code
from apps.metadata.validation import enum_choices

SNMS_TYPE_OTHER = 2  # 元数据对象类型: 1 主动标识载体, 2 其他
FORMAT = "park-portal/template"
FORMAT_VERSION = 1

# our constraint key → SNMS metadata key
_CONSTRAINT_TO_SNMS = {
    "min_length": "minLength",
    "max_length": "maxLength",
    "min": "minimum",
    "max": "maximum",
    "precision": "precision",
    "unit": "unit",
    "pattern": "pattern",
    "pattern_hint": "patternHint",
    "choices": "enum",
    "ref_category": "refCategory",
    "ref_prefix": "refPrefix",
    "extensions": "extensions",
}
_SNMS_TO_CONSTRAINT = {v: k for k, v in _CONSTRAINT_TO_SNMS.items()}
# Industry fields as the v3 API names them, and the names some other node software uses.
_INDUSTRY_ALIASES = {
    "industry_section": ("industryCategory",),
    "industry_division": ("industrySpecific", "industryMajor"),
    "industry_group": ("industryTrade", "industryMiddle"),
    "industry_class": ("industrySubclass", "industrySmall"),
}


def template_prefix(template: MetadataTemplate) -> str:
    """The prefix a template is published under: the owner's prefix, else the park's."""
    if template.owner_id:
        from apps.identifiers.models import Prefix

        prefix = Prefix.objects.filter(enterprise_id=template.owner_id).order_by("id").first()
        if prefix is not None:
            return prefix.prefix
    from apps.tenants.models import Park

    park = Park.objects.order_by("id").first()
    return f"{park.country_code}.{park.park_code}" if park else ""


def snms_version_name(version: TemplateVersion) -> str:
    """The ``templateVersion`` string identifiers refer to upstream: unique per prefix."""
    return f"{version.template.code}-v{version.number}"


def item_to_snms(item: dict) -> dict:
    metadata = {"type": "string", "dataType": item["item_type"]}
    for key, value in (item.get("constraints") or {}).items():
        metadata[_CONSTRAINT_TO_SNMS.get(key, key)] = value
    metadata.update(
        {
            "unique": bool(item.get("unique")),
            "grade": int(item.get("grade") or 1),
            "public": bool(item.get("is_public")),
            "helpText": item.get("help_text") or "",
            "order": int(item.get("order") or 0),
        }
    )
    return {
        "idIndex": int(item["index"]),
        "name": item["name"],
        "idType": item["code"],
        "required": bool(item.get("required")),
        "state": 1 if item.get("state", ItemState.ENABLED) == ItemState.ENABLED else 0,
        "metadata": metadata,
    }


def item_from_snms(data: dict) -> dict:
    metadata = dict(data.get("metadata") or {})
    constraints = {
        _SNMS_TO_CONSTRAINT[key]: value for key, value in metadata.items() if key in _SNMS_TO_CONSTRAINT
    }
    state = data.get("state", 1)
    enabled = state in (1, "1", True, ItemState.ENABLED, "enable")
    return {
        "name": data.get("name") or "",
        "code": data.get("idType") or "",
        "index": data.get("idIndex"),
        "item_type": metadata.get("dataType") or ItemType.STRING,
        "required": bool(data.get("required", False)),
        "unique": bool(metadata.get("unique", False)),
        "constraints": constraints,
        "grade": int(metadata.get("grade") or 1),
        "is_public": bool(metadata.get("public", True)),
        "state": ItemState.ENABLED if enabled else ItemState.DISABLED,
        "help_text": metadata.get("helpText") or "",
        "order": int(metadata.get("order") or 0),
    }


def template_to_snms(version: TemplateVersion) -> dict:
    """A version (its effective items, inherited ones included) in the SNMS template shape."""
    template = version.template
    parent_version = version.parent_version
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "prefix": template_prefix(template),
        "version": snms_version_name(version),
        "code": template.code,
        "name": template.name,
        "number": version.number,
        "status": version.status,
        "level": template.level,
        "category": template.category,
        "industryCategory": template.industry_section,
        "industrySpecific": template.industry_division,
        "industryTrade": template.industry_group,
        "industrySubclass": template.industry_class,
        "type": SNMS_TYPE_OTHER,
        "description": template.description,
        "useCheckCharacter": template.use_check_character,
        "defaultLink": template.default_link,
        "parent": (
            {"code": parent_version.template.code, "number": parent_version.number}
            if parent_version
            else None
        ),
        "items": [item_to_snms(item) for item in effective_items(version)],
    }


def _industry(document: dict, field: str) -> str:
    for key in _INDUSTRY_ALIASES[field]:
        if document.get(key):
            return str(document[key])
    return ""


@transaction.atomic
def template_import(
    *, document: dict, owner=None, code: str | None = None, name: str | None = None, publish: bool = False
) -> MetadataTemplate:
    """Create a template from an SNMS-shaped document. Items equal to the parent's effective
    item are inherited, different ones become overrides (which may only tighten)."""
    from apps.metadata import services

    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise ApplicationError(_("不是有效的模板文件：缺少 items 数组"), code="invalid_document")
    code = (code or document.get("code") or "").strip()
    if not code:
        raise ApplicationError(_("请指定模板编码"), errors={"code": [_("请指定模板编码")]})
    level = document.get("level") or (TemplateLevel.ENTERPRISE if owner is not None else TemplateLevel.PARK)
    if owner is not None:
        level = TemplateLevel.ENTERPRISE
    parent = None
    parent_ref = document.get("parent") or {}
    if parent_ref.get("code"):
        parent = template_get_by_code(parent_ref["code"], owner=owner)
        if parent is None:
            message = _("上级模板 %(code)s 不存在，请先导入上级模板") % {"code": parent_ref["code"]}
            raise ApplicationError(message, errors={"parent": [message]})
    category = document.get("category")
    if category not in ObjectCategory.values:
        category = parent.category if parent is not None else ObjectCategory.GENERAL
    template = services.template_create(
        code=code,
        name=(name or document.get("name") or code).strip(),
        level=level,
        category=category,
        parent=parent,
        owner=owner,
        industry_section=_industry(document, "industry_section"),
        industry_division=_industry(document, "industry_division"),
        industry_group=_industry(document, "industry_group"),
        industry_class=_industry(document, "industry_class"),
        description=document.get("description") or "",
        use_check_character=bool(document.get("useCheckCharacter", False)),
        default_link=document.get("defaultLink") or "",
        note=_("由模板文件导入"),
    )
    draft = template.versions.get()
    inherited = {item["code"]: item for item in effective_items(draft)}
    errors: dict[str, list[str]] = {}
    for position, raw in enumerate(document["items"], start=1):
        item = item_from_snms(raw)
        base = inherited.get(item["code"])
        if base is not None and all(_same(base.get(f), item.get(f)) for f in ITEM_FIELDS):
            continue
        try:
            services.template_item_add(version=draft, **item)
        except ApplicationError as exc:
            key = item["code"] or f"#{position}"
            errors.setdefault(key, []).extend(
                [m for messages in exc.errors.values() for m in messages] or [exc.message]
            )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors, code="invalid_item")
    if publish:
        services.template_version_publish(version=draft)
    return template


def _same(a, b) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return (a or {}) == (b or {})
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    return a == b or str(a) == str(b)


# ---------------------------------------------------------------- JSON Schema


def item_json_schema(item: dict) -> dict:
    c = item.get("constraints") or {}
    kind = item["item_type"]
    schema: dict = {"title": item["name"]}
    if item.get("help_text"):
        schema["description"] = item["help_text"]
    if kind == ItemType.NUMBER:
        schema["type"] = "integer" if c.get("precision") == 0 else "number"
        if c.get("min") is not None:
            schema["minimum"] = c["min"]
        if c.get("max") is not None:
            schema["maximum"] = c["max"]
        if c.get("precision") not in (None, 0):
            schema["x-precision"] = c["precision"]
        if c.get("unit"):
            schema["x-unit"] = c["unit"]
    elif kind == ItemType.DATE:
        schema.update({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})
    elif kind == ItemType.ENUM:
        schema.update({"type": "string", "enum": enum_choices(item)})
    elif kind == ItemType.REFERENCE:
        schema.update({"type": "string", "maxLength": 255, "pattern": r"^[^/\s]{1,64}/\S+$"})
    elif kind == ItemType.FILE:
        schema.update({"type": "string", "minLength": 1, "maxLength": 500})
    else:
        schema["type"] = "string"
        if c.get("min_length") is not None:
            schema["minLength"] = c["min_length"]
        if c.get("max_length") is not None:
            schema["maxLength"] = c["max_length"]
        if c.get("pattern"):
            # JSON Schema patterns search; ours match the whole value.
            schema["pattern"] = f"^(?:{c['pattern']})$"
    schema["x-index"] = int(item["index"])
    schema["x-grade"] = int(item.get("grade") or 1)
    schema["x-public"] = bool(item.get("is_public"))
    if item.get("unique"):
        schema["x-unique"] = True
    return schema


def template_json_schema(version: TemplateVersion) -> dict:
    """JSON Schema (draft 2020-12) of the values object of an identifier under ``version``:
    item code → value, with numbers as JSON numbers and dates as ISO strings. Disabled items
    are not allowed."""
    template = version.template
    items = [item for item in effective_items(version) if item.get("state") == ItemState.ENABLED]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:park-portal:template:{template.code}:v{version.number}",
        "title": f"{template.name} v{version.number}",
        "description": template.description,
        "type": "object",
        "properties": {item["code"]: item_json_schema(item) for item in items},
        "required": [item["code"] for item in items if item.get("required")],
        "additionalProperties": False,
    }


def current_or_draft(template: MetadataTemplate) -> TemplateVersion | None:
    return template_current_version(template) or template.versions.order_by("-number").first()
