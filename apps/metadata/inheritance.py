"""Inheritance rules, as pure functions over item dicts.

A child version sees its parent version's effective items plus its own. An own item with the
code and index of an inherited item overrides it and may only tighten it; any other own item
is new and must not reuse an inherited code or index. Nothing inherited is ever removed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from apps.metadata.choices import ItemState, ItemType
from apps.metadata.models import FIRST_ITEM_INDEX

ITEM_FIELDS = (
    "name",
    "code",
    "index",
    "item_type",
    "required",
    "unique",
    "constraints",
    "grade",
    "is_public",
    "state",
    "help_text",
    "order",
)
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
CONSTRAINT_KEYS = {
    "min_length",
    "max_length",
    "min",
    "max",
    "precision",
    "unit",
    "pattern",
    "pattern_hint",
    "choices",
    "ref_category",
    "ref_prefix",
    "extensions",
}


def item_dict(item, *, origin_level: str, origin_template: str) -> dict:
    """A TemplateItem row (or an item-shaped dict) as an effective-item dict."""
    data = {
        field: getattr(item, field) if not isinstance(item, dict) else item.get(field)
        for field in ITEM_FIELDS
    }
    data["constraints"] = dict(data.get("constraints") or {})
    data["origin_level"] = origin_level
    data["origin_template"] = origin_template
    return data


def _num(value) -> Decimal:
    return Decimal(str(value))


def tightening_errors(parent: dict, child: dict, *, against: str | None = None) -> list[str]:
    """Why ``child`` loosens ``parent`` (empty when it keeps or tightens every rule)."""
    name = f"「{parent['name']}」"
    against = against or _("上级模板")
    errors: list[str] = []
    if child["item_type"] != parent["item_type"]:
        errors.append(_("%(name)s不能修改数据类型") % {"name": name, "against": against})
        return errors
    if parent.get("required") and not child.get("required"):
        errors.append(_("%(name)s在%(against)s中为必填，不能改为选填") % {"name": name, "against": against})
    if parent.get("unique") and not child.get("unique"):
        errors.append(_("%(name)s在%(against)s中要求唯一，不能取消") % {"name": name, "against": against})
    if int(child.get("grade") or 1) < int(parent.get("grade") or 1):
        errors.append(_("%(name)s的数据分级不能低于%(against)s") % {"name": name, "against": against})
    if not parent.get("is_public", True) and child.get("is_public", True):
        errors.append(_("%(name)s在%(against)s中不公开，不能改为公开") % {"name": name, "against": against})
    if parent.get("state") != child.get("state"):
        if parent.get("state") == ItemState.ENABLED:
            errors.append(
                _("%(name)s继承自%(against)s，不能停用（数据项只增不减）")
                % {"name": name, "against": against}
            )
        else:
            errors.append(_("%(name)s已被%(against)s停用，不能重新启用") % {"name": name, "against": against})
    pc, cc = parent.get("constraints") or {}, child.get("constraints") or {}
    lower_bounds = [("min_length", _("最小长度")), ("min", _("最小值"))]
    upper_bounds = [("max_length", _("最大长度")), ("max", _("最大值")), ("precision", _("小数位数"))]
    for key, label in lower_bounds:
        if pc.get(key) is None:
            continue
        if cc.get(key) is None or _bound(cc[key], parent["item_type"]) < _bound(pc[key], parent["item_type"]):
            errors.append(
                _("%(name)s的%(label)s不能低于%(against)s的 %(value)s")
                % {"name": name, "label": label, "value": pc[key], "against": against}
            )
    for key, label in upper_bounds:
        if pc.get(key) is None:
            continue
        if cc.get(key) is None or _bound(cc[key], parent["item_type"]) > _bound(pc[key], parent["item_type"]):
            errors.append(
                _("%(name)s的%(label)s不能高于%(against)s的 %(value)s")
                % {"name": name, "label": label, "value": pc[key], "against": against}
            )
    for key, label in [
        ("unit", _("单位")),
        ("pattern", _("格式")),
        ("ref_category", _("引用类别")),
        ("ref_prefix", _("引用前缀")),
    ]:
        if pc.get(key) and cc.get(key) != pc.get(key):
            errors.append(
                _("%(name)s的%(label)s必须与%(against)s一致")
                % {"name": name, "label": label, "against": against}
            )
    if parent["item_type"] == ItemType.ENUM:
        parent_choices = [str(c) for c in pc.get("choices") or []]
        child_choices = [str(c) for c in cc.get("choices") or []]
        extra = [c for c in child_choices if c not in parent_choices]
        if extra or not child_choices:
            errors.append(
                _("%(name)s的可选值只能是%(against)s可选值的子集，多出：%(extra)s")
                % {"name": name, "extra": "、".join(extra) or _("（空）"), "against": against}
            )
    if pc.get("extensions"):
        parent_ext = {e.lower() for e in pc["extensions"]}
        if not cc.get("extensions") or not {e.lower() for e in cc["extensions"]} <= parent_ext:
            errors.append(
                _("%(name)s的文件类型只能是%(against)s文件类型的子集") % {"name": name, "against": against}
            )
    return errors


def _bound(value, item_type: str):
    if item_type == ItemType.DATE:
        return str(value)  # ISO dates compare as strings
    return _num(value)


def item_definition_errors(item: dict) -> list[str]:
    """Errors in an item's own definition (independent of inheritance)."""
    name = f"「{item.get('name') or item.get('code')}」"
    errors: list[str] = []
    if not (item.get("name") or "").strip():
        errors.append(_("数据项的中文名称不能为空"))
    if not CODE_PATTERN.match(item.get("code") or ""):
        errors.append(_("%(name)s的英文编码应以字母开头，只含字母、数字和下划线") % {"name": name})
    try:
        index = int(item.get("index"))
    except (TypeError, ValueError):
        index = -1
    if index < FIRST_ITEM_INDEX:
        errors.append(
            _("%(name)s的索引必须不小于 %(first)s（1000、1001 保留给模板编号和版本）")
            % {"name": name, "first": FIRST_ITEM_INDEX}
        )
    if item.get("item_type") not in ItemType.values:
        errors.append(_("%(name)s的数据类型无效") % {"name": name})
    c = item.get("constraints") or {}
    unknown = set(c) - CONSTRAINT_KEYS
    if unknown:
        errors.append(
            _("%(name)s有未知的约束：%(keys)s") % {"name": name, "keys": "、".join(sorted(unknown))}
        )
    try:
        for low, high in [("min_length", "max_length"), ("min", "max")]:
            if c.get(low) is not None and c.get(high) is not None:
                if _bound(c[low], item.get("item_type")) > _bound(c[high], item.get("item_type")):
                    errors.append(_("%(name)s的下限大于上限") % {"name": name})
        for key in ("min_length", "max_length", "precision"):
            if c.get(key) is not None and (int(c[key]) < 0 or int(c[key]) != _num(c[key])):
                errors.append(_("%(name)s的约束 %(key)s 应为非负整数") % {"name": name, "key": key})
        if item.get("item_type") == ItemType.NUMBER:
            for key in ("min", "max"):
                if c.get(key) is not None:
                    _num(c[key])
    except Exception:
        errors.append(_("%(name)s的约束值无效") % {"name": name})
    if c.get("pattern"):
        try:
            re.compile(c["pattern"])
        except re.error:
            errors.append(_("%(name)s的格式（正则表达式）无效") % {"name": name})
    if item.get("item_type") == ItemType.ENUM and not c.get("choices"):
        errors.append(_("%(name)s是枚举类型，至少需要一个可选值") % {"name": name})
    if int(item.get("grade") or 1) not in (1, 2, 3):
        errors.append(_("%(name)s的数据分级无效") % {"name": name})
    return errors


def compose(
    inherited: list[dict], own: list[dict], *, origin_level: str, origin_template: str
) -> tuple[list[dict], dict[str, list[str]]]:
    """Effective items of a version: inherited items, overridden where ``own`` tightens them,
    then the version's new items. Returns (items, errors keyed by item code)."""
    by_code = {item["code"]: item for item in inherited}
    by_index = {int(item["index"]): item for item in inherited}
    result = {item["code"]: dict(item) for item in inherited}
    errors: dict[str, list[str]] = {}
    seen_codes: set[str] = set()
    seen_indexes: dict[int, str] = {}
    for raw in own:
        item = dict(raw)
        code, index = item["code"], int(item["index"])
        problems = item_definition_errors(item)
        if code in seen_codes:
            problems.append(_("英文编码 %(code)s 在本模板中重复") % {"code": code})
        if index in seen_indexes:
            problems.append(
                _("索引 %(index)s 已被数据项 %(other)s 使用") % {"index": index, "other": seen_indexes[index]}
            )
        seen_codes.add(code)
        seen_indexes.setdefault(index, code)
        parent_by_code, parent_by_index = by_code.get(code), by_index.get(index)
        if parent_by_code is not None and parent_by_index is parent_by_code:
            problems.extend(tightening_errors(parent_by_code, item))
            item["origin_level"] = parent_by_code["origin_level"]
            item["origin_template"] = parent_by_code["origin_template"]
        else:
            if parent_by_code is not None:
                problems.append(
                    _("英文编码 %(code)s 已被上级模板的数据项「%(other)s」（索引 %(index)s）使用")
                    % {"code": code, "other": parent_by_code["name"], "index": parent_by_code["index"]}
                )
            if parent_by_index is not None:
                problems.append(
                    _("索引 %(index)s 已被上级模板的数据项「%(other)s」（%(code)s）使用")
                    % {"index": index, "other": parent_by_index["name"], "code": parent_by_index["code"]}
                )
            item["origin_level"] = origin_level
            item["origin_template"] = origin_template
        if problems:
            errors.setdefault(code, []).extend(problems)
            if parent_by_code is not None:
                continue  # keep the inherited definition rather than a broken override
        result[code] = item
    items = sorted(result.values(), key=lambda i: (i.get("order") or 0, int(i["index"])))
    return items, errors
