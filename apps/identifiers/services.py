"""Registry writes: the only way an identifier is registered, changed or withdrawn.

Every door (enterprise portal, REST API, SNMS API, Django admin, Excel import through
``apps.identifiers.bulk``) ends here or in the bulk service built from the same primitives:

* ``split_values_by_grade(items, cleaned)`` → (public, restricted) {code: value} dicts;
* ``build_handle_values(items, public, template_version=...)`` → the public Handle-form list
  (template id at 1000, version at 1001, items from 2000);
* ``restricted_handle_values(items, restricted)`` → restricted Handle-form list with grades;
* ``next_suffixes(prefix, n)`` → n generated object codes from the prefix's sequence.

What is public: items of grade 一级 that the template marks public. Everything else is stored
in the owning enterprise's schema only (apps.enterprise_data). The audit entry and the sync
outbox row live in the public schema, so they carry public values and the *names* of changed
restricted items, never restricted values.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError, PermissionDenied
from apps.identifiers import handles
from apps.identifiers.choices import IdentifierStatus, PrefixStatus
from apps.identifiers.models import (
    DEFAULT_TTL,
    INDEX_TEMPLATE_ID,
    INDEX_TEMPLATE_VERSION,
    Identifier,
    Prefix,
)
from apps.identifiers.signals import handles_changed, identifier_written
from apps.metadata.choices import Grade, ItemType

OBJECT_TYPE = "identifiers.Identifier"
GENERATED_WIDTH = 8  # generated object codes: the template code's letters + 8-digit sequence


# ---------------------------------------------------------------- primitives (bulk.py reuses these)
def item_is_public(item: dict) -> bool:
    """一级 and marked public → registry; anything else → the enterprise's schema."""
    return int(item.get("grade") or Grade.G1) == Grade.G1 and bool(item.get("is_public", True))


def split_values_by_grade(
    items: list[dict], cleaned: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Cleaned values {code: value} → (public, restricted), by each item's grade and public flag."""
    by_code = {item["code"]: item for item in items}
    public: dict[str, str] = {}
    restricted: dict[str, str] = {}
    for code, value in cleaned.items():
        (public if item_is_public(by_code[code]) else restricted)[code] = value
    return public, restricted


def _stamp() -> str:
    return timezone.now().replace(microsecond=0).isoformat()


def _value(index: int, type_: str, value: str, stamp: str) -> dict:
    return {
        "index": int(index),
        "type": type_,
        "data": {"format": "string", "value": value},
        "ttl": DEFAULT_TTL,
        "timestamp": stamp,
    }


def build_handle_values(
    items: list[dict] | dict[str, dict], public: dict[str, str], *, template_version, stamp: str | None = None
) -> list[dict]:
    """The public Handle-form values: template code (1000), version number (1001), items (≥ 2000)."""
    by_code = items if isinstance(items, dict) else {item["code"]: item for item in items}
    stamp = stamp or _stamp()
    values = [
        _value(INDEX_TEMPLATE_ID, "TEMPLATE_ID", template_version.template.code, stamp),
        _value(INDEX_TEMPLATE_VERSION, "TEMPLATE", str(template_version.number), stamp),
    ]
    values += [_value(by_code[code]["index"], code, value, stamp) for code, value in public.items()]
    values.sort(key=lambda v: v["index"])
    return values


def restricted_handle_values(
    items: list[dict] | dict[str, dict], restricted: dict[str, str], *, stamp: str | None = None
) -> list[dict]:
    """Restricted values in Handle form, each with its item's grade (for grouping on pages)."""
    by_code = items if isinstance(items, dict) else {item["code"]: item for item in items}
    stamp = stamp or _stamp()
    out = []
    for code, value in restricted.items():
        item = by_code[code]
        entry = _value(item["index"], code, value, stamp)
        entry["grade"] = int(item.get("grade") or Grade.G1)
        out.append(entry)
    out.sort(key=lambda v: v["index"])
    return out


def values_as_dict(values: list[dict]) -> dict[str, str]:
    """Handle-form item values (index ≥ 2000) → {code: value}."""
    return {
        str(v.get("type")): str((v.get("data") or {}).get("value", ""))
        for v in values or []
        if int(v.get("index", 0)) >= 2000
    }


def enterprise_prefix(enterprise) -> Prefix:
    prefix = Prefix.objects.filter(enterprise=enterprise, status=PrefixStatus.ACTIVE).order_by("id").first()
    if prefix is None:
        raise ApplicationError(_("企业没有已生效的标识前缀，不能注册标识"), code="no_prefix")
    return prefix


def _code_stem(template_version) -> str:
    letters = "".join(ch for ch in template_version.template.code.upper() if ch.isalnum())
    return (letters.replace("PARK", "") or "OBJ")[:6]


def next_suffixes(prefix: Prefix, n: int, *, stem: str = "") -> list[int]:
    """Reserve ``n`` sequence numbers of ``prefix`` (row lock, so concurrent registrations never
    share one). Returns the numbers; ``generated_object_code`` turns one into an object code."""
    if n <= 0:
        return []
    with transaction.atomic():
        locked = Prefix.objects.select_for_update().get(pk=prefix.pk)
        first = locked.next_sequence
        Prefix.objects.filter(pk=prefix.pk).update(next_sequence=F("next_sequence") + n)
    return list(range(first, first + n))


def generated_object_code(template_version, number: int) -> str:
    return f"{_code_stem(template_version)}{number:0{GENERATED_WIDTH}d}"


def _reference_exists(handle: str) -> bool:
    return Identifier.objects.filter(handle_ci=handle.lower(), status=IdentifierStatus.ACTIVE).exists()


def _check_references(items: list[dict], cleaned: dict[str, str], errors: dict[str, list[str]]) -> None:
    from apps.metadata.choices import ObjectCategory

    for item in items:
        code = item["code"]
        if item.get("item_type") != ItemType.REFERENCE or code not in cleaned:
            continue
        wanted = (item.get("constraints") or {}).get("ref_category")
        if not wanted:
            continue
        found = (
            Identifier.objects.filter(handle_ci=cleaned[code].lower())
            .values_list("category", flat=True)
            .first()
        )
        if found and found != wanted:
            errors.setdefault(code, []).append(
                _("%(name)s引用的标识 %(handle)s 不是「%(cat)s」类对象")
                % {"name": item["name"], "handle": cleaned[code], "cat": ObjectCategory(wanted).label}
            )


def _check_unique(
    items: list[dict], cleaned: dict[str, str], *, template_version, enterprise, exclude_pk=None
) -> dict[str, list[str]]:
    """Items flagged unique: no other active identifier of the same enterprise and template has
    the same value (two enterprises may both have employee E0001). Public values are checked in
    the registry; restricted ones in the enterprise's schema."""
    errors: dict[str, list[str]] = {}
    template_id = template_version.template_id
    for item in items:
        code = item["code"]
        if not item.get("unique") or code not in cleaned:
            continue
        value = cleaned[code]
        if item_is_public(item):
            qs = Identifier.objects.filter(
                enterprise=enterprise,
                template_version__template_id=template_id,
                status=IdentifierStatus.ACTIVE,
                values__contains=[{"type": code, "data": {"value": value}}],
            )
        else:
            from apps.enterprise_data.models import RestrictedValues
            from apps.enterprise_data.services import restricted_context

            with restricted_context(enterprise):
                ids = list(
                    RestrictedValues.objects.filter(
                        values__contains=[{"type": code, "data": {"value": value}}]
                    ).values_list("identifier_id", flat=True)
                )
            qs = Identifier.objects.filter(
                pk__in=ids, template_version__template_id=template_id, status=IdentifierStatus.ACTIVE
            )
        if exclude_pk:
            qs = qs.exclude(pk=exclude_pk)
        other = qs.values_list("handle", flat=True).first()
        if other:
            errors[code] = [
                _("%(name)s的值「%(value)s」已被标识 %(handle)s 使用，要求唯一")
                % {"name": item["name"], "value": value, "handle": other}
            ]
    return errors


def validate_for_template(
    *, template_version, values: dict[str, Any], enterprise, exclude_pk=None
) -> tuple[list[dict], dict[str, str]]:
    """Effective items and cleaned values, or ApplicationError with every item's messages."""
    from apps.metadata.selectors import effective_items
    from apps.metadata.validation import validate_values

    items = effective_items(template_version)
    cleaned, errors = validate_values(items, values, reference_exists=_reference_exists)
    _check_references(items, cleaned, errors)
    for code, messages in _check_unique(
        items, cleaned, template_version=template_version, enterprise=enterprise, exclude_pk=exclude_pk
    ).items():
        errors.setdefault(code, []).extend(messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(
            _("数据校验未通过：%(first)s") % {"first": first}
            if len(errors) == 1
            else _("数据校验未通过（%(n)s 项）：%(first)s") % {"n": len(errors), "first": first},
            errors=errors,
            code="invalid_values",
        )
    return items, cleaned


def member_may_write(actor, enterprise) -> bool:
    """Members of the enterprise; for the park operator's own identifiers, park staff who
    manage (administrators and operators, not auditors). ``None`` is the system (demo, tasks).
    The caller's side only: ``write_refusal`` says whether the enterprise takes writes at all."""
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    from apps.accounts.choices import ParkRole
    from apps.accounts.selectors import is_member

    if enterprise.is_park_operator and actor.park_role in (ParkRole.PARK_ADMIN, ParkRole.PARK_OPERATOR):
        return True
    return is_member(user=actor, enterprise=enterprise)


def can_write(actor, enterprise) -> bool:
    """``member_may_write``, and nobody, the system included, while the enterprise or its prefix
    is suspended or revoked."""
    from apps.identifiers.permissions import write_refusal

    return write_refusal(enterprise) is None and member_may_write(actor, enterprise)


def _assert_can_write(actor, enterprise) -> None:
    from apps.identifiers.permissions import write_refusal

    refusal = write_refusal(enterprise)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if not member_may_write(actor, enterprise):
        raise PermissionDenied(_("只有本企业成员可以登记或修改本企业的标识"))


def _assert_template_usable(template_version, enterprise) -> None:
    from apps.metadata.choices import TemplateLevel, VersionStatus

    if template_version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(_("只能按已发布的模板版本登记标识"), code="template_not_published")
    template = template_version.template
    if template.level == TemplateLevel.ENTERPRISE and template.owner_id != enterprise.pk:
        raise ApplicationError(_("不能使用其他企业的模板"), code="template_forbidden")


def _name_of(public: dict[str, str], object_code: str) -> str:
    """The registry's display name: the public ``name`` value only (a restricted name, e.g. a
    person's, must not reach the public schema), else the object code."""
    return (public.get("name") or object_code)[:255]


def _outbox(operation: str, identifier: Identifier) -> None:
    identifier_written.send(
        sender=Identifier,
        operation=operation,
        identifier=identifier,
        # public values only: the outbox is a public table and restricted values never leave the park
        payload={"values": identifier.values},
    )


def _invalidate_on_commit(handle: str) -> None:
    transaction.on_commit(lambda: handles_changed.send(sender=Identifier, handles=[handle]))


def _audit_changes(before_public: dict, after_public: dict, before_r: dict, after_r: dict) -> dict:
    changes = {
        f"values.{k}": [before_public.get(k), after_public.get(k)]
        for k in sorted(set(before_public) | set(after_public))
        if before_public.get(k) != after_public.get(k)
    }
    # restricted values stay in the enterprise schema; the log only says which items changed
    changed_r = sorted(k for k in set(before_r) | set(after_r) if before_r.get(k) != after_r.get(k))
    if changed_r:
        changes["restricted_items"] = [None, changed_r]
    return changes


def _store_uploads(*, enterprise, actor, uploads: dict, stored: list) -> dict[str, str]:
    """Save uploaded files as attachments (in the caller's transaction); {item code: reference}.
    Each saved attachment is appended to ``stored`` so a failure can remove its file."""
    from apps.enterprise_data.services import attachment_create, ensure_data_schema

    ensure_data_schema(enterprise)
    refs = {}
    for code, upload in uploads.items():
        if upload:
            att = attachment_create(enterprise=enterprise, uploaded_file=upload, item_code=code, user=actor)
            stored.append(att)
            refs[code] = att.reference
    return refs


def _discard_files(stored: list) -> None:
    """The rows went with the rolled-back transaction; the files on disk go here."""
    for att in stored:
        try:
            att.file.storage.delete(att.file.name)
        except Exception:  # noqa: S110 - a leftover file is harmless, the failure is what the user sees
            pass


def _with_uploads(*, enterprise, actor, uploads: dict | None, values: dict[str, Any], write):
    """Run ``write(values)`` with the uploads stored in the same transaction: a refused
    registration or change leaves no attachment row and no file behind."""
    if not uploads:
        return write(values)
    _assert_can_write(actor, enterprise)
    stored: list = []
    try:
        with transaction.atomic():
            refs = _store_uploads(enterprise=enterprise, actor=actor, uploads=uploads, stored=stored)
            return write({**values, **refs})
    except BaseException:
        _discard_files(stored)
        raise


# ---------------------------------------------------------------- services
def identifier_register(
    *,
    actor,
    enterprise,
    template_version,
    values: dict[str, Any],
    object_code: str | None = None,
    uploads: dict | None = None,
) -> Identifier:
    """Register an identifier under the enterprise's prefix. ``object_code`` given or generated
    from the prefix's sequence; the template's check character is appended when it asks for one.
    ``uploads`` ({file item code: uploaded file}) are stored in the registration's transaction."""
    return _with_uploads(
        enterprise=enterprise,
        actor=actor,
        uploads=uploads,
        values=values,
        write=lambda vals: _register(
            actor=actor,
            enterprise=enterprise,
            template_version=template_version,
            values=vals,
            object_code=object_code,
        ),
    )


def _register(
    *,
    actor,
    enterprise,
    template_version,
    values: dict[str, Any],
    object_code: str | None = None,
) -> Identifier:
    from apps.enterprise_data.services import (
        attachments_link,
        ensure_data_schema,
        restricted_values_put,
    )

    _assert_can_write(actor, enterprise)
    _assert_template_usable(template_version, enterprise)
    prefix = enterprise_prefix(enterprise)
    items, cleaned = validate_for_template(
        template_version=template_version, values=values, enterprise=enterprise
    )
    template = template_version.template
    use_check = template.use_check_character
    max_len = handles.max_suffix_length(prefix.prefix) - (2 if use_check else 0)
    if object_code is not None:
        object_code = object_code.strip()
        if not object_code:
            object_code = None
    if object_code is not None:
        validate = handles.validate_check_object_code if use_check else handles.validate_object_code
        try:
            validate(object_code, max_length=max_len)
        except handles.HandleError as exc:
            raise ApplicationError(
                exc.message, errors={"object_code": [exc.message]}, code="invalid_object_code"
            )
    ensure_data_schema(enterprise)
    public, restricted = split_values_by_grade(items, cleaned)
    stamp = _stamp()
    public_values = build_handle_values(items, public, template_version=template_version, stamp=stamp)
    for _attempt in range(5):
        code = object_code or generated_object_code(template_version, next_suffixes(prefix, 1)[0])
        check = handles.check_character(code) if use_check else ""
        suffix = f"{code}{handles.CHECK_SEPARATOR}{check}" if check else code
        handle = f"{prefix.prefix}/{suffix}"
        try:
            handles.parse_handle(handle)
        except handles.HandleError as exc:
            raise ApplicationError(exc.message, errors={"object_code": [exc.message]}, code="invalid_handle")
        try:
            with transaction.atomic():
                identifier = Identifier(
                    handle=handle,
                    prefix=prefix,
                    suffix=suffix,
                    object_code=code,
                    security_code=check,
                    enterprise=enterprise,
                    category=template.category,
                    template_version=template_version,
                    name=_name_of(public, code),
                    values=public_values,
                    registered_by=actor if getattr(actor, "pk", None) else None,
                )
                identifier.save()
                restricted_values_put(
                    enterprise=enterprise,
                    identifier_id=identifier.pk,
                    handle=handle,
                    values=restricted_handle_values(items, restricted, stamp=stamp),
                )
                attachments_link(
                    enterprise=enterprise,
                    identifier_id=identifier.pk,
                    references=[v for v in cleaned.values() if v.startswith("attachment:")],
                )
                audit_write(
                    action="identifier.register",
                    object_type=OBJECT_TYPE,
                    object_id=identifier.pk,
                    object_repr=handle,
                    changes=_audit_changes({}, public, {}, restricted),
                    tenant_schema=enterprise.schema_name,
                )
                _outbox("create", identifier)
                _invalidate_on_commit(handle)
            return identifier
        except IntegrityError:
            if object_code is not None:
                message = _("标识 %(handle)s 已存在（后缀大小写不同也视为重复）") % {"handle": handle}
                raise ApplicationError(message, errors={"object_code": [message]}, code="duplicate")
            # a generated code collided with a given one: take the next number
    raise ApplicationError(_("无法生成不重复的后缀，请手工填写对象代码"), code="duplicate")


def _restricted_now(identifier: Identifier) -> list[dict]:
    from apps.enterprise_data.services import restricted_values_get

    return restricted_values_get(enterprise=identifier.enterprise, identifier_id=identifier.pk)


def _disabled_values(template_version, before: dict[str, str]) -> dict[str, str]:
    """Stored values of the items ``template_version`` disables."""
    from apps.metadata.choices import ItemState
    from apps.metadata.selectors import effective_items

    disabled = {
        item["code"]
        for item in effective_items(template_version)
        if item.get("state", ItemState.ENABLED) != ItemState.ENABLED
    }
    return {code: value for code, value in before.items() if code in disabled and value != ""}


def identifier_update(
    *,
    actor,
    identifier: Identifier,
    values: dict[str, Any],
    template_version=None,
    uploads: dict | None = None,
) -> Identifier:
    """Replace the values of an active identifier (optionally moving it to a newer version of
    its template). Values not given are cleared, except those of items the version disables:
    nobody can fill those in any more, so their existing values are carried forward unchanged.
    ``uploads`` ({file item code: uploaded file}) are stored in the change's transaction."""
    return _with_uploads(
        enterprise=identifier.enterprise,
        actor=actor,
        uploads=uploads,
        values=values,
        write=lambda vals: _update(
            actor=actor, identifier=identifier, values=vals, template_version=template_version
        ),
    )


def _update(*, actor, identifier: Identifier, values: dict[str, Any], template_version=None) -> Identifier:
    from apps.enterprise_data.services import attachments_link, ensure_data_schema, restricted_values_put

    enterprise = identifier.enterprise
    _assert_can_write(actor, enterprise)
    if identifier.status != IdentifierStatus.ACTIVE:
        raise ApplicationError(_("标识已注销，不能修改"), code="withdrawn")
    template_version = template_version or identifier.template_version
    if template_version.template_id != identifier.template_version.template_id:
        raise ApplicationError(_("只能升级到同一模板的其他版本"), code="template_mismatch")
    if template_version.pk != identifier.template_version_id:
        _assert_template_usable(template_version, enterprise)
    before_public = values_as_dict(identifier.values)
    before_restricted = values_as_dict(_restricted_now(identifier))
    carried = _disabled_values(template_version, {**before_public, **before_restricted})
    # a disabled item sent back with its stored value (a PATCH resends everything) is no change
    values = {k: v for k, v in values.items() if not (k in carried and str(v) == carried[k])}
    items, cleaned = validate_for_template(
        template_version=template_version, values=values, enterprise=enterprise, exclude_pk=identifier.pk
    )
    cleaned.update(carried)
    ensure_data_schema(enterprise)
    public, restricted = split_values_by_grade(items, cleaned)
    stamp = _stamp()
    with transaction.atomic():
        locked = Identifier.objects.select_for_update().get(pk=identifier.pk)
        locked.values = build_handle_values(items, public, template_version=template_version, stamp=stamp)
        # values outside the template (index < 1000: URL, EMAIL set by other tools) are kept
        locked.values = [
            v for v in identifier.values if int(v.get("index", 0)) < INDEX_TEMPLATE_ID
        ] + locked.values
        locked.template_version = template_version
        locked.name = _name_of(public, locked.object_code)
        locked.save()
        restricted_values_put(
            enterprise=enterprise,
            identifier_id=locked.pk,
            handle=locked.handle,
            values=restricted_handle_values(items, restricted, stamp=stamp),
        )
        attachments_link(
            enterprise=enterprise,
            identifier_id=locked.pk,
            references=[v for v in cleaned.values() if v.startswith("attachment:")],
        )
        audit_write(
            action="identifier.update",
            object_type=OBJECT_TYPE,
            object_id=locked.pk,
            object_repr=locked.handle,
            changes=_audit_changes(before_public, public, before_restricted, restricted),
            tenant_schema=enterprise.schema_name,
        )
        _outbox("update", locked)
        _invalidate_on_commit(locked.handle)
    return locked


def identifier_withdraw(*, actor, identifier: Identifier, reason: str = "") -> Identifier:
    """注销: the identifier stays in the registry (its handle is never reused) but stops resolving."""
    _assert_can_write(actor, identifier.enterprise)
    if identifier.status == IdentifierStatus.WITHDRAWN:
        return identifier
    with transaction.atomic():
        locked = Identifier.objects.select_for_update().get(pk=identifier.pk)
        if locked.status == IdentifierStatus.WITHDRAWN:
            return locked
        locked.status = IdentifierStatus.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["status", "withdrawn_at", "updated_at", "handle_ci"])
        audit_write(
            action="identifier.withdraw",
            object_type=OBJECT_TYPE,
            object_id=locked.pk,
            object_repr=locked.handle,
            changes={
                "status": [IdentifierStatus.ACTIVE, IdentifierStatus.WITHDRAWN],
                "reason": [None, reason],
            },
            tenant_schema=locked.enterprise.schema_name,
        )
        _outbox("delete", locked)
        _invalidate_on_commit(locked.handle)
    return locked


def identifier_protocol_values_set(
    *, actor, identifier: Identifier, types: set[str], values: list[dict], reason: str = ""
) -> Identifier:
    """Replace the record's values of ``types`` that live outside the template (index 101–999,
    e.g. the HS_PUBKEY values a terminal's credentials publish) with ``values`` (Handle form:
    ``{"index", "type", "data": {"format", "value"}}``). Same door as a change: the writer's
    rights, the audit entry, the sync outbox and the resolution caches."""
    _assert_can_write(actor, identifier.enterprise)
    if identifier.status != IdentifierStatus.ACTIVE:
        raise ApplicationError(_("标识已注销，不能修改"), code="withdrawn")
    stamp = _stamp()
    new_values = []
    for value in values:
        index = int(value["index"])
        data = value.get("data") or {}
        if not (100 < index < INDEX_TEMPLATE_ID) or value.get("type") not in types:
            raise ApplicationError(_("模板外标识值的索引应在 101–999 之间"), code="invalid_index")
        if len(str(data.get("value", ""))) > 255:
            raise ApplicationError(_("标识值不能超过 255 个字符"), code="value_too_long")
        new_values.append(
            {
                "index": index,
                "type": value["type"],
                "data": {"format": data.get("format", "string"), "value": str(data.get("value", ""))},
                "ttl": int(value.get("ttl", DEFAULT_TTL)),
                "timestamp": value.get("timestamp") or stamp,
            }
        )
    with transaction.atomic():
        locked = Identifier.objects.select_for_update().get(pk=identifier.pk)
        kept = [v for v in locked.values if v.get("type") not in types]
        taken = {int(v.get("index", 0)) for v in kept}
        if any(v["index"] in taken for v in new_values):
            raise ApplicationError(_("标识值索引已被占用"), code="index_taken")
        before = {f"{v['type']}@{v['index']}": v["data"]["value"] for v in locked.values if v.get("type") in types}
        after = {f"{v['type']}@{v['index']}": v["data"]["value"] for v in new_values}
        if before == after:
            return locked
        locked.values = sorted(kept + new_values, key=lambda v: int(v.get("index", 0)))
        locked.save(update_fields=["values", "updated_at", "handle_ci"])
        changes = {
            f"values.{k}": [before.get(k), after.get(k)]
            for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)
        }
        if reason:
            changes["reason"] = [None, reason]
        audit_write(
            action="identifier.values_set",
            object_type=OBJECT_TYPE,
            object_id=locked.pk,
            object_repr=locked.handle,
            changes=changes,
            tenant_schema=locked.enterprise.schema_name,
        )
        _outbox("update", locked)
        _invalidate_on_commit(locked.handle)
    return locked


__all__ = [
    "build_handle_values",
    "enterprise_prefix",
    "generated_object_code",
    "identifier_register",
    "identifier_update",
    "identifier_protocol_values_set",
    "identifier_withdraw",
    "item_is_public",
    "next_suffixes",
    "restricted_handle_values",
    "split_values_by_grade",
    "validate_for_template",
    "values_as_dict",
]
