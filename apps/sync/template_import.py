"""SNMS templates received by our server → our typed templates.

An SNMS template carries string items only (idIndex >= 2000). It becomes an enterprise template
of the prefix's enterprise, one published version per SNMS ``version``, every item a string
with its minLength/maxLength. The mapping (prefix, version) → TemplateVersion is kept in
SnmsTemplateBinding. ``apps.metadata.exchange.snms_to_template`` (the metadata app's mapper) is
used when it exists; otherwise the rows are written here with the same snapshot rules.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.metadata.choices import ItemState, ItemType, ObjectCategory, TemplateLevel, VersionStatus
from apps.metadata.models import FIRST_ITEM_INDEX, MetadataTemplate, TemplateItem, TemplateVersion
from apps.sync.models import SnmsTemplateBinding


def _items(body: dict) -> list[dict]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise ApplicationError("缺少必要的请求参数: items", code="missing_items")
    out, seen_index, seen_code = [], set(), set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ApplicationError(f"items[{i}] 必须是对象", code="invalid_item")
        name, code = str(item.get("name") or "").strip(), str(item.get("idType") or "").strip()
        if not name or not code:
            raise ApplicationError(f"items[{i}] 缺少 name 或 idType", code="invalid_item")
        try:
            index = int(
                item.get("idIndex") if item.get("idIndex") not in (None, "") else FIRST_ITEM_INDEX + i
            )
        except (TypeError, ValueError):
            raise ApplicationError(f"items[{i}].idIndex 必须是整数", code="invalid_item") from None
        if index < FIRST_ITEM_INDEX:
            raise ApplicationError(f"items[{i}].idIndex 需要从{FIRST_ITEM_INDEX}开始", code="invalid_item")
        if index in seen_index or code in seen_code:
            raise ApplicationError(f"items[{i}] 的 idIndex 或 idType 重复", code="invalid_item")
        seen_index.add(index)
        seen_code.add(code)
        meta = item.get("metadata") or {}
        if str(meta.get("type") or "string") != "string":
            raise ApplicationError("items[i].metadata.type 必须为小写 string", code="invalid_item")
        if meta.get("dataType"):
            # Sent by another instance of this project (apps.metadata.exchange): the typed item
            # travels beside the documented string type, so it maps back exactly.
            from apps.metadata.exchange import item_from_snms

            typed = item_from_snms(dict(item, idIndex=index))
            typed.update(name=name, code=code, index=index, order=typed.get("order") or i)
            out.append(typed)
            continue
        constraints = {}
        for src, dst in (("minLength", "min_length"), ("maxLength", "max_length")):
            if meta.get(src) not in (None, ""):
                constraints[dst] = int(meta[src])
        state = item.get("state", 1)
        out.append(
            {
                "name": name,
                "code": code,
                "index": index,
                "item_type": ItemType.STRING,
                "required": bool(item.get("required")),
                "unique": False,
                "constraints": constraints,
                "grade": 1,
                "is_public": True,
                "state": ItemState.DISABLED if str(state) == "0" else ItemState.ENABLED,
                "help_text": "",
                "order": i,
            }
        )
    return out


@transaction.atomic
def snms_template_save(*, prefix, body: dict, actor, create: bool) -> TemplateVersion:
    version_name = str(body["version"])[:128]
    binding = SnmsTemplateBinding.objects.filter(prefix__iexact=prefix.prefix, version=version_name).first()
    if create and binding is not None:
        raise ApplicationError("模板已存在", code="exists")
    if not create and binding is None:
        raise ApplicationError("模板不存在", code="not_found")
    items = _items(body)
    if binding is not None:
        # PUT: incremental — given items are added or changed, none is removed (disable only).
        old = {(i["code"], int(i["index"])): i for i in binding.template_version.effective_items}
        for item in items:
            old[(item["code"], item["index"])] = item
        items = sorted(old.values(), key=lambda i: int(i["index"]))
    tv = _write_template(prefix=prefix, body=body, items=items, version_name=version_name, actor=actor)
    if binding is None:
        SnmsTemplateBinding.objects.create(
            prefix=prefix.prefix, version=version_name, template_version=tv, payload=body
        )
    else:
        binding.template_version, binding.payload = tv, body
        binding.save(update_fields=["template_version", "payload"])
    return tv


def _write_template(*, prefix, body: dict, items: list[dict], version_name: str, actor) -> TemplateVersion:
    code = f"snms-{prefix.prefix}-{version_name}"[:64]
    template, _created = MetadataTemplate.objects.get_or_create(
        owner=prefix.enterprise,
        code=code,
        defaults={
            "name": str(body.get("description") or version_name)[:100],
            "level": TemplateLevel.ENTERPRISE,
            "category": ObjectCategory.GENERAL,
            "industry_section": str(body.get("industryCategory") or "")[:1],
            "industry_division": str(body.get("industrySpecific") or "")[:2],
            "industry_group": str(body.get("industryTrade") or "")[:3],
            "industry_class": str(body.get("industrySubclass") or "")[:4],
            "description": str(body.get("description") or ""),
        },
    )
    number = (
        TemplateVersion.objects.filter(template=template)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    snapshot = [
        dict(item, origin_level=TemplateLevel.ENTERPRISE, origin_template=template.code) for item in items
    ]
    tv = TemplateVersion.objects.create(
        template=template,
        number=number,
        status=VersionStatus.PUBLISHED,
        published_at=timezone.now(),
        published_by=actor if getattr(actor, "pk", None) else None,
        note=f"SNMS {version_name}",
        effective_items=snapshot,
    )
    TemplateItem.objects.bulk_create(
        [
            TemplateItem(
                version=tv,
                name=i["name"],
                code=i["code"],
                index=i["index"],
                item_type=i["item_type"],
                required=i["required"],
                unique=bool(i.get("unique")),
                constraints=i["constraints"],
                grade=int(i.get("grade") or 1),
                is_public=bool(i.get("is_public", True)),
                state=i["state"],
                help_text=i.get("help_text") or "",
                order=i["order"],
            )
            for i in items
        ]
    )
    audit_write(
        action="metadata.snms_template",
        object_type="metadata.TemplateVersion",
        object_id=tv.pk,
        object_repr=f"{prefix.prefix} {version_name}",
        after={"prefix": prefix.prefix, "version": version_name, "items": [i["code"] for i in items]},
    )
    return tv


@transaction.atomic
def snms_template_delete(*, prefix, version: str, actor) -> None:
    binding = SnmsTemplateBinding.objects.filter(prefix__iexact=prefix.prefix, version=version).first()
    if binding is None:
        raise ApplicationError("模板不存在", code="not_found")
    if binding.template_version.identifiers.exists():
        raise ApplicationError("模板已被标识使用，不能删除", code="in_use")
    audit_write(
        action="metadata.snms_template_delete",
        object_type="metadata.TemplateVersion",
        object_id=binding.template_version_id,
        object_repr=f"{prefix.prefix} {version}",
        before={"prefix": prefix.prefix, "version": version},
    )
    binding.delete()
