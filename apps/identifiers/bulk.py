"""Bulk registration: many identifiers of one template version in one transaction.

The Excel import and the SNMS batch API call this with many rows. The rules are the
registration service's (values checked by ``apps.metadata.validation``, split by grade, Handle
values in the same form); what differs is the shape of the work: every lookup is one query per
chunk of rows, never one per row; identifiers are written with COPY; audit entries and outbox
rows go through their bulk writers. All or nothing: with any row in error nothing is written.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _text
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.db import copy_rows
from apps.identifiers import handles
from apps.identifiers.choices import IdentifierStatus
from apps.identifiers.models import INDEX_TEMPLATE_ID, INDEX_TEMPLATE_VERSION, Identifier, Prefix
from apps.identifiers.services import (
    _audit_changes,
    _name_of,
    enterprise_prefix,
    item_is_public,
    restricted_handle_values,
)
from apps.identifiers.signals import handles_changed, identifiers_written
from apps.metadata.choices import Grade, ItemState, ItemType, ObjectCategory
from apps.metadata.selectors import effective_items
from apps.metadata.validation import clean_value, is_empty, normalize_text

OBJECT_CODE = "object_code"
LOOKUP_CHUNK = 5000
COPY_BATCH = 10000  # rows per COPY; progress is reported between them
AUDIT_BATCH = 10000  # records per audit/outbox call: bounds memory, same transaction
DEFAULT_TTL = 86400
FIRST_ITEM_INDEX = 2000
_CODE_BAD = re.compile(r"[\s/\\\x00-\x1f\x7f]")

Progress = Callable[[int, str], None]


@dataclass
class BulkRow:
    """One record to register or update. ``label`` is how the caller names the row in errors
    (the spreadsheet row number)."""

    label: int
    object_code: Any
    values: dict[str, Any]


@dataclass
class RowError:
    label: int
    code: str  # item code, or "object_code"
    message: str


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    handles_created: list[str] = field(default_factory=list)
    handles_updated: list[str] = field(default_factory=list)
    cleaned: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _chunks(seq: list, size: int = LOOKUP_CHUNK) -> Iterable[list]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


class _RowChecker:
    """The value rules (``apps.metadata.validation.clean_value``) for one row, with each
    column's results remembered while the column keeps repeating itself (enums, units, owners):
    such a value is checked once per file, not once per row. Columns of mostly distinct values
    (names, codes) stop being remembered after a sample."""

    SAMPLE = 2000

    def __init__(self, items: list[dict]):
        self.by_code = {item["code"]: item for item in items}
        self.required = [
            item
            for item in sorted(items, key=lambda i: (i.get("order", 0), i["index"]))
            if item.get("required") and item.get("state", ItemState.ENABLED) == ItemState.ENABLED
        ]
        self.memo: dict[str, dict] = {}
        self.seen: dict[str, int] = {}
        self.off: set[str] = set()

    def _one(self, code: str, value: Any) -> tuple[str | None, str | None]:
        item = self.by_code.get(code)
        if item is None:
            return None, _("模板中没有数据项「%(code)s」") % {"code": code}
        if item.get("state", ItemState.ENABLED) != ItemState.ENABLED:
            return None, _("「%(name)s」已停用，不能填写") % {"name": item.get("name") or code}
        try:
            return clean_value(item, value), None
        except ValueError as exc:
            return None, str(exc)

    def __call__(self, values: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
        cleaned: dict[str, str] = {}
        errors: dict[str, str] = {}
        off = self.off
        for code, value in values.items():
            if is_empty(value):
                continue  # required items missing from the row are reported below
            memo = None
            if code not in off and isinstance(value, (str, int, float)):
                memo = self.memo.get(code)
                if memo is None:
                    memo = self.memo[code] = {}
                hit = memo.get(value)
                if hit is not None:
                    if hit[0] is not None:
                        cleaned[code] = hit[0]
                    else:
                        errors[code] = hit[1]
                    continue
            result = self._one(code, value)
            if result[0] is not None:
                cleaned[code] = result[0]
            else:
                errors[code] = result[1]
            if memo is not None:
                memo[value] = result
                count = self.seen[code] = self.seen.get(code, 0) + 1
                if count == self.SAMPLE and len(memo) > self.SAMPLE // 2:
                    off.add(code)
                    del self.memo[code]
        for item in self.required:
            code = item["code"]
            if code not in cleaned and code not in errors:
                errors[code] = _("「%(name)s」为必填项") % {"name": item.get("name") or code}
        return cleaned, errors


class _Shape:
    """What a template version's identifiers look like in Handle form: which values are public,
    their indexes, and the JSON text of the public (and restricted) value lists written straight
    from a row's cleaned values, in index order (the same documents as building the dicts and
    dumping them; jsonb stores them identically). Every per-item piece of text is built once."""

    def __init__(self, template_version, items: list[dict], stamp: str):
        self.items_by_code = {item["code"]: item for item in items}
        self.public_codes = {code for code, item in self.items_by_code.items() if item_is_public(item)}
        self.index = {code: int(item["index"]) for code, item in self.items_by_code.items()}
        tail = f', "ttl": {DEFAULT_TTL}, "timestamp": {json.dumps(stamp)}}}'
        self.tail = tail
        self.head = [
            (
                INDEX_TEMPLATE_ID,
                self._entry(INDEX_TEMPLATE_ID, "TEMPLATE_ID", template_version.template.code),
            ),
            (
                INDEX_TEMPLATE_VERSION,
                self._entry(INDEX_TEMPLATE_VERSION, "TEMPLATE", str(template_version.number)),
            ),
        ]
        self.head_text = ", ".join(text for _i, text in self.head)
        ordered = sorted(self.items_by_code, key=lambda c: self.index[c])
        self._value_tail = "}" + tail
        # (code, text up to the value) in index order; restricted entries also carry the grade.
        self._public = [(code, self._opening(code)) for code in ordered if code in self.public_codes]
        self._restricted = [
            (
                code,
                self._opening(code),
                f'}}{tail[:-1]}, "grade": {int(self.items_by_code[code].get("grade") or Grade.G1)}}}',
            )
            for code in ordered
            if code not in self.public_codes
        ]

    def _opening(self, code: str) -> str:
        return (
            f'{{"index": {self.index[code]}, "type": {json.dumps(code, ensure_ascii=False)}, '
            f'"data": {{"format": "string", "value": '
        )

    def _entry(self, index: int, type_: str, value: str) -> str:
        return (
            f'{{"index": {index}, "type": {json.dumps(type_, ensure_ascii=False)}, '
            f'"data": {{"format": "string", "value": {json.dumps(value, ensure_ascii=False)}}}{self.tail}'
        )

    def split(self, cleaned: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        public, restricted = {}, {}
        codes = self.public_codes
        for code, value in cleaned.items():
            (public if code in codes else restricted)[code] = value
        return public, restricted

    def public_json(self, values: dict[str, str]) -> str:
        """The public Handle values of a row (its cleaned values, or only their public part)."""
        parts = [self.head_text]
        tail = self._value_tail
        for code, opening in self._public:
            value = values.get(code)
            if value is not None:
                parts.append(opening + (_text(value) if type(value) is str else _json(value)) + tail)
        return "[" + ", ".join(parts) + "]"

    def restricted_json(self, values: dict[str, str]) -> str | None:
        """The restricted values in the form of ``restricted_handle_values``, or None if none."""
        parts = []
        for code, opening, tail in self._restricted:
            value = values.get(code)
            if value is not None:
                parts.append(opening + (_text(value) if type(value) is str else _json(value)) + tail)
        return "[" + ", ".join(parts) + "]" if parts else None

    def known(self, values: dict[str, str]) -> bool:
        return all(code in self.items_by_code for code in values)

    def public_values(self, public: dict[str, str]) -> list[dict]:
        return json.loads(self.public_json(public))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _existing_references(handles: set[str]) -> dict[str, str]:
    """handle_ci → category of the referenced identifiers that exist (one query per chunk)."""
    found: dict[str, str] = {}
    lowered = sorted({h.lower() for h in handles})
    for chunk in _chunks(lowered):
        found.update(Identifier.objects.filter(handle_ci__in=chunk).values_list("handle_ci", "category"))
    return found


# Only the item values (index ≥ 2000) as {type: value}: far less to decode than the full
# Handle documents when a re-import compares 100,000 existing identifiers.
_ITEM_VALUES_SQL = (
    "SELECT coalesce(jsonb_object_agg(v->>'type', v->'data'->>'value'), '{}'::jsonb) "
    'FROM jsonb_array_elements("identifiers_identifier"."values") AS v '
    "WHERE (v->>'index')::int >= %s"
)


def _existing(
    prefix: Prefix, codes: list[str], handles_ci: list[str]
) -> tuple[dict[str, tuple], dict[str, str]]:
    """object code → (id, handle, name, template_version_id, status, {item code: value}), and
    handle_ci → handle of the identifiers that the new handles would collide with although
    their object code differs (a case variant: the unique index on handle_ci refuses them).
    One query per chunk, the codes passed as one array parameter (not thousands of
    placeholders for Django and psycopg to build and PostgreSQL to parse)."""
    out: dict[str, tuple] = {}
    taken: dict[str, str] = {}
    table = Identifier._meta.db_table
    sql = (
        f"SELECT object_code, id, handle, name, template_version_id, status, ({_ITEM_VALUES_SQL}) "  # noqa: S608
        f'FROM "{table}" WHERE prefix_id = %s AND object_code = ANY(%s)'
    )
    clash_sql = (
        f'SELECT handle_ci, handle FROM "{table}" WHERE handle_ci = ANY(%s) '  # noqa: S608
        "AND NOT (prefix_id = %s AND object_code = ANY(%s))"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(codes):
            cursor.execute(sql, [FIRST_ITEM_INDEX, prefix.pk, chunk])
            for code, pk, handle, name, version_id, status, items in cursor.fetchall():
                # Django's connection hands jsonb over as text
                items = json.loads(items) if isinstance(items, str) else items
                out[code] = (pk, handle, name, version_id, status, items)
        for start in range(0, len(codes), LOOKUP_CHUNK):
            stop = start + LOOKUP_CHUNK
            cursor.execute(clash_sql, [handles_ci[start:stop], prefix.pk, codes[start:stop]])
            taken.update(cursor.fetchall())
    return out, taken


# Restricted values live in the enterprise's schema (apps.enterprise_data bulk hooks).
def _restricted_available() -> bool:
    try:
        from apps.enterprise_data import bulk  # noqa: F401
    except ImportError:
        return False
    return True


def _restricted_load(enterprise, identifier_ids: list[int]) -> dict[int, dict[str, str]]:
    if not identifier_ids or not _restricted_available():
        return {}
    from apps.enterprise_data.bulk import restricted_values_for

    return restricted_values_for(enterprise=enterprise, identifier_ids=identifier_ids)


def _restricted_store(enterprise, rows: dict[int, dict[str, str]], items_by_code: dict[str, dict]) -> None:
    if not rows or not _restricted_available():
        return
    from apps.enterprise_data.bulk import restricted_values_store

    handle_of = dict(Identifier.objects.filter(pk__in=list(rows)).values_list("pk", "handle"))
    restricted_values_store(
        enterprise=enterprise,
        values_by_identifier={
            pk: (handle_of.get(pk, ""), restricted_handle_values(items_by_code, values) if values else [])
            for pk, values in rows.items()
        },
    )


def _object_code(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return normalize_text(str(raw))


def _code_error(code: str, max_length: int, use_check: bool) -> str | None:
    """Why an object code cannot be registered, or None: the rules ``identifier_register``
    applies (``handles``; a template with a check character also limits the code to 0-9 and
    A-Z). The file's own wording for whitespace and slashes comes first."""
    if not code:
        return _("对象代码为必填项")
    if _CODE_BAD.search(code):
        return _("对象代码不能包含空格、斜杠或控制字符")
    validate = handles.validate_check_object_code if use_check else handles.validate_object_code
    try:
        validate(code, max_length=max_length)
    except handles.HandleError as exc:
        return exc.message
    return None


def identifier_bulk_upsert(
    *,
    actor,
    enterprise,
    template_version,
    rows: Iterable[BulkRow],
    dry_run: bool = False,
    progress: Progress | None = None,
    total: int | None = None,
    values_cleaned: bool = False,
    keep_cleaned: bool = False,
) -> BulkResult:
    """Register new identifiers and update changed ones (matched by object code under the
    enterprise's prefix); leave unchanged ones alone. With ``dry_run`` or any error, write
    nothing and return the counts and every error.

    ``rows`` may be a generator (read once, so a file is read and checked in one pass).
    ``keep_cleaned`` returns each row's canonical values in ``result.cleaned`` (a dry run keeps
    them for its apply). ``values_cleaned`` says the rows' values are exactly that output for
    this same published (immutable) version, so the per-value checks are not repeated;
    everything that depends on the registry (object codes, references, existing rows) is."""
    with _paused_gc():
        return _bulk_upsert(
            actor=actor,
            enterprise=enterprise,
            template_version=template_version,
            rows=rows,
            dry_run=dry_run,
            progress=progress,
            total=total,
            values_cleaned=values_cleaned,
            keep_cleaned=keep_cleaned,
        )


@contextmanager
def _paused_gc():
    """No cyclic garbage collection while 100,000 rows of dicts and strings are built: each
    collection walks every object alive, and they only grow (the rows hold no cycles; what
    cyclic garbage appears meanwhile is collected when the pause ends)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _bulk_upsert(
    *,
    actor,
    enterprise,
    template_version,
    rows: Iterable[BulkRow],
    dry_run: bool,
    progress: Progress | None,
    total: int | None,
    values_cleaned: bool,
    keep_cleaned: bool,
) -> BulkResult:
    result = BulkResult()
    template = template_version.template
    items = effective_items(template_version)
    stamp = timezone.now().replace(microsecond=0).isoformat()
    shape = _Shape(template_version, items, stamp)
    items_by_code = shape.items_by_code
    refs_items = [i["code"] for i in items if i.get("item_type") == ItemType.REFERENCE]
    prefix = enterprise_prefix(enterprise)
    errors = result.errors
    use_check = bool(template.use_check_character)

    # 1. each row on its own: object code, values (pure; no queries)
    check = _RowChecker(items)
    seen: dict[str, tuple[int, str]] = {}  # lower(object code) → (first row, its code): handle_ci
    prepared: list[tuple[int, str, dict[str, str]]] = []
    suffixes: dict[str, str] = {}  # object code → suffix, for templates with a check character
    ref_values: list[tuple[int, dict[str, str]]] = []  # every row's valid reference values
    unique_items = [
        i for i in items if i.get("unique") and i.get("state", ItemState.ENABLED) == ItemState.ENABLED
    ]
    unique_values: list[tuple[int, str | None, dict[str, str]]] = []
    max_suffix = handles.max_suffix_length(prefix.prefix) - (2 if use_check else 0)
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007 - n is the row count after the loop
        code = _object_code(row.object_code)
        row_ok = True
        if use_check and code:
            code, _check = handles.split_check(code)  # "B001-7" names B001 with its check character
        message = _code_error(code, max_suffix, use_check)
        if message is None:
            key = code.lower()
            first = seen.get(key)
            if first is None:
                seen[key] = (row.label, code)
            elif first[1] == code:
                message = _("对象代码「%(code)s」与第 %(first)s 行重复") % {"code": code, "first": first[0]}
            else:
                message = _("对象代码「%(code)s」与第 %(first)s 行重复（大小写不同也视为重复）") % {
                    "code": code,
                    "first": first[0],
                }
        if message is not None:
            errors.append(RowError(row.label, OBJECT_CODE, message))
            row_ok = False
        elif use_check:
            suffixes[code] = handles.suffix_with_check(code)
        if values_cleaned:
            cleaned, value_errors = row.values, None
        else:
            cleaned, value_errors = check(row.values)
            for item_code, message in value_errors.items():
                errors.append(RowError(row.label, item_code, message))
        if refs_items:
            refs = {c: cleaned[c] for c in refs_items if c in cleaned}
            if refs:
                ref_values.append((row.label, refs))
        if unique_items:
            wanted = {i["code"]: cleaned[i["code"]] for i in unique_items if i["code"] in cleaned}
            if wanted:
                unique_values.append((row.label, code if row_ok else None, wanted))
        if row_ok and not value_errors:
            prepared.append((row.label, code, cleaned))
        if progress and n % 10000 == 0:
            share = min(60, n * 60 // total) if total else 30
            progress(share, _("已读取并校验 %(n)s 行") % {"n": n})
    result.rows = n
    suffix_of = suffixes.get if use_check else None

    def handle_of_code(code: str) -> str:
        return f"{prefix.prefix}/{suffix_of(code, code) if suffix_of else code}"

    # 2. references, over every row's valid values: one query per chunk; rows of this same
    # batch count as existing
    if ref_values:
        batch = {handle_of_code(c).lower() for _key, (_l, c) in seen.items()}
        _check_references(ref_values, items_by_code, template, batch, errors)

    # 3. what exists already: one query per chunk of object codes
    existing, taken = _existing(
        prefix,
        [code for _l, code, _c in prepared],
        [handle_of_code(code).lower() for _l, code, _c in prepared],
    )
    restricted_before = _restricted_load(enterprise, [rec[0] for rec in existing.values()])
    compare_restricted = _restricted_available()
    # An identifier of an older version of this template whose values the file repeats stays
    # as it is, version included: exporting and importing again changes nothing.
    same_template = set(template.versions.values_list("pk", flat=True)) if existing else set()

    # 4. items flagged unique: one query per item, and duplicates inside the file
    if unique_values:
        _check_unique(unique_values, unique_items, enterprise, template, existing, errors)

    # New rows keep their cleaned values as they are (their Handle documents are built while
    # they are written); only rows that exist already are split by grade and compared.
    creates: list[tuple[str, dict, str, str]] = []
    updates: list[tuple[tuple, dict, dict, str]] = []
    # identifier_register's display-name rule; a restricted ``name`` stays out of it.
    name_public = "name" in shape.public_codes
    for label, code, cleaned in prepared:
        name = _name_of(cleaned if name_public else {}, code)
        rec = existing.get(code)
        if rec is None:
            suffix = suffix_of(code, code) if suffix_of else code
            other = taken.get(f"{prefix.prefix}/{suffix}".lower())
            if other is not None:
                errors.append(
                    RowError(
                        label,
                        OBJECT_CODE,
                        _("标识 %(h)s 已存在（大小写不同也视为重复）") % {"h": other},
                    )
                )
                continue
            creates.append((code, cleaned, name, suffix))
            continue
        public, restricted = shape.split(cleaned)
        pk, handle, old_name, old_version, status, old_public = rec
        if status == IdentifierStatus.WITHDRAWN:
            errors.append(
                RowError(label, OBJECT_CODE, _("标识 %(h)s 已注销，不能通过导入修改") % {"h": handle})
            )
            continue
        same = (
            old_version in same_template
            and old_public == public
            and old_name == name
            and (not compare_restricted or restricted_before.get(pk, {}) == restricted)
        )
        if same:
            result.unchanged += 1
        else:
            updates.append((rec, public, restricted, name))
    result.created = len(creates)
    result.updated = len(updates)
    if keep_cleaned:
        result.cleaned = prepared
    errors.sort(key=lambda e: e.label)
    if errors or dry_run:
        return result

    # 5. writes, all in one transaction
    _apply(
        actor=actor,
        enterprise=enterprise,
        prefix=prefix,
        template=template,
        template_version=template_version,
        shape=shape,
        creates=creates,
        updates=updates,
        restricted_before=restricted_before,
        progress=progress,
    )
    result.applied = True
    result.handles_created = [f"{prefix.prefix}/{c[3]}" for c in creates]
    result.handles_updated = [u[0][1] for u in updates]
    return result


def _check_references(ref_values, items_by_code, template, batch: set[str], errors) -> None:
    """Every row's valid reference values, also of rows with other errors (the report lists
    all of a row's problems at once)."""
    wanted = {handle for _l, refs in ref_values for handle in refs.values()}
    found = _existing_references(wanted)
    found.update(dict.fromkeys(batch, template.category))
    for label, refs in ref_values:
        for c, handle in refs.items():
            category = found.get(handle.lower())
            wanted_category = (items_by_code[c].get("constraints") or {}).get("ref_category")
            if category is None:
                message = _("引用的标识 %(handle)s 不存在") % {"handle": handle}
            elif wanted_category and category != wanted_category:
                message = _("引用的标识 %(handle)s 不是「%(cat)s」类对象") % {
                    "handle": handle,
                    "cat": ObjectCategory(wanted_category).label,
                }
            else:
                continue
            errors.append(RowError(label, c, message))


def _check_unique(unique_values, unique_items, enterprise, template, existing, errors) -> None:
    """Items flagged unique (the rule of the registration service's ``_check_unique``): no two
    rows of the file, and no other active identifier of the enterprise and template, share a
    value. An identifier that this file updates is judged by its new value, not its stored one."""
    # identifiers this file updates: their stored values give way to the file's
    in_file = {existing[code][0] for _l, code, _w in unique_values if code in existing}
    for item in unique_items:
        item_code = item["code"]
        first_row: dict[str, int] = {}
        for label, _code, wanted in unique_values:
            value = wanted.get(item_code)
            if value is None:
                continue
            first = first_row.setdefault(value, label)
            if first != label:
                errors.append(
                    RowError(
                        label,
                        item_code,
                        _("值「%(value)s」与第 %(first)s 行重复，要求唯一")
                        % {"value": value, "first": first},
                    )
                )
        if not first_row:
            continue
        holders = _unique_holders(item, list(first_row), enterprise, template)
        for label, code, wanted in unique_values:
            value = wanted.get(item_code)
            if value is None or first_row.get(value) != label:
                continue
            own = existing.get(code) if code else None
            for pk, _object_code, handle in holders.get(value, ()):
                if (own is not None and own[0] == pk) or pk in in_file:
                    continue
                errors.append(
                    RowError(
                        label,
                        item_code,
                        _("值「%(value)s」已被标识 %(handle)s 使用，要求唯一")
                        % {"value": value, "handle": handle},
                    )
                )
                break


def _unique_holders(item, values: list[str], enterprise, template) -> dict[str, list[tuple[int, str, str]]]:
    """value → [(id, object code, handle)] of the active identifiers of the enterprise and
    template holding one of ``values`` for ``item``: one query (public values in the registry,
    restricted ones in the enterprise's schema)."""
    from apps.metadata.models import TemplateVersion

    table = Identifier._meta.db_table
    versions = TemplateVersion._meta.db_table
    out: dict[str, list[tuple[int, str, str]]] = {}
    scope = (
        "i.enterprise_id = %s AND i.status = %s "
        f'AND i.template_version_id IN (SELECT id FROM "{versions}" WHERE template_id = %s)'
    )
    if item_is_public(item):
        sql = (
            "SELECT v->'data'->>'value', i.id, i.object_code, i.handle "  # noqa: S608
            f'FROM "{table}" AS i CROSS JOIN LATERAL jsonb_array_elements(i."values") AS v '
            f"WHERE {scope} AND v->>'type' = %s AND v->'data'->>'value' = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [enterprise.pk, IdentifierStatus.ACTIVE, template.pk, item["code"], values])
            for value, pk, object_code, handle in cursor.fetchall():
                out.setdefault(value, []).append((pk, object_code, handle))
        return out
    if not _restricted_available():
        return out
    from apps.enterprise_data.models import RestrictedValues
    from apps.enterprise_data.services import restricted_context

    restricted = RestrictedValues._meta.db_table
    with restricted_context(enterprise) as schema, connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v->'data'->>'value', r.identifier_id FROM \"{schema}\".\"{restricted}\" AS r "  # noqa: S608
            'CROSS JOIN LATERAL jsonb_array_elements(r."values") AS v '
            "WHERE v->>'type' = %s AND v->'data'->>'value' = ANY(%s)",
            [item["code"], values],
        )
        by_id: dict[int, list[str]] = {}
        for value, pk in cursor.fetchall():
            by_id.setdefault(pk, []).append(value)
    if by_id:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT i.id, i.object_code, i.handle FROM "{table}" AS i WHERE {scope} AND i.id = ANY(%s)',  # noqa: S608
                [enterprise.pk, IdentifierStatus.ACTIVE, template.pk, list(by_id)],
            )
            for pk, object_code, handle in cursor.fetchall():
                for value in by_id[pk]:
                    out.setdefault(value, []).append((pk, object_code, handle))
    return out


def _apply(
    *,
    actor,
    enterprise,
    prefix,
    template,
    template_version,
    shape: _Shape,
    creates,
    updates,
    restricted_before,
    progress,
) -> None:
    """Every write streams: identifiers, restricted values, audit entries and outbox rows each
    go in one COPY fed by a generator, so no second copy of the rows is held in memory."""
    from apps.audit.services import AuditRecord, audit_write_many

    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    schema = getattr(connection, "schema_name", "") or ""
    handle_of = f"{prefix.prefix}/".__add__
    with transaction.atomic():
        total = max(1, len(creates) + len(updates))
        ids = _reserve_ids(len(creates))
        columns = (
            "id", "created_at", "updated_at", "handle", "handle_ci", "prefix_id", "suffix", "object_code",
            "security_code", "enterprise_id", "category", "template_version_id", "name", "status", "values",
            "registered_by_id",
        )  # fmt: skip
        restricted_new: list[int] = []  # positions in creates of rows with restricted values
        public_json, restricted_json = shape.public_json, shape.restricted_json
        fixed = (prefix.pk, enterprise.pk, template.category, template_version.pk)
        prefix_pk, enterprise_pk, category, version_pk = fixed
        active = IdentifierStatus.ACTIVE
        public_codes = shape.public_codes

        def identifier_rows(start: int, stop: int) -> Iterator[tuple]:
            for i in range(start, stop):
                code, cleaned, name, suffix = creates[i]
                handle = handle_of(suffix)
                if not public_codes.issuperset(cleaned):
                    if not shape.known(cleaned):  # callers pass checked rows
                        raise ValueError(f"row {code}: values outside the template version")
                    restricted_new.append(i)
                yield (
                    ids[i], now, now, handle, handle.lower(), prefix_pk, suffix, code, suffix[len(code) + 1 :],
                    enterprise_pk,
                    category, version_pk, name, active, public_json(cleaned), actor_id,
                )  # fmt: skip

        done = 0
        for start in range(0, len(creates), COPY_BATCH):
            stop = min(len(creates), start + COPY_BATCH)
            copy_rows(Identifier._meta.db_table, columns, identifier_rows(start, stop))
            done = stop
            if progress:
                progress(60 + done * 20 // total, _("已写入 %(n)s 条标识") % {"n": done})
        if updates:
            _update_from_copy(
                [
                    (rec[0], public_json(public), name, template_version.pk, now)
                    for rec, public, _restricted, name in updates
                ]
            )
            done += len(updates)
            if progress:
                progress(60 + done * 20 // total, _("已写入 %(n)s 条标识") % {"n": done})

        if restricted_new and _restricted_available():
            from apps.enterprise_data.bulk import restricted_values_copy

            restricted_values_copy(
                enterprise=enterprise,
                rows=(
                    (ids[i], handle_of(creates[i][3]), restricted_json(creates[i][1])) for i in restricted_new
                ),
            )
        restricted_rows = {
            rec[0]: restricted
            for rec, _p, restricted, _n in updates
            if restricted_before.get(rec[0], {}) != restricted
        }
        _restricted_store(enterprise, restricted_rows, shape.items_by_code)

        def audit_records() -> Iterator[AuditRecord]:
            for pk, (_code, cleaned, _name, suffix) in zip(ids, creates, strict=True):
                yield AuditRecord(
                    action="identifier.register",
                    object_type="identifiers.Identifier",
                    object_id=pk,
                    object_repr=handle_of(suffix),
                    changes={"values": [None, len(cleaned)]},
                    tenant_schema=schema,
                )
            for rec, public, restricted, _name in updates:
                yield AuditRecord(
                    action="identifier.update",
                    object_type="identifiers.Identifier",
                    object_id=rec[0],
                    object_repr=rec[1],
                    changes=_audit_changes(rec[5], public, restricted_before.get(rec[0], {}), restricted),
                    tenant_schema=schema,
                )

        def outbox_rows() -> Iterator[tuple]:
            create, update = "create", "update"
            for pk, (_code, _c, _n, suffix) in zip(ids, creates, strict=True):
                yield (create, handle_of(suffix), pk, None)
            for rec, _p, _r, _n in updates:
                yield (update, rec[1], rec[0], None)

        audit_write_many(audit_records())
        if progress:
            progress(90, _("已写入审计日志"))
        identifiers_written.send(sender=Identifier, entries=outbox_rows())
        # New handles too: a "not found" cached before the import must not outlive it.
        changed_handles = [handle_of(c[3]) for c in creates]
        changed_handles += [rec[1] for rec, _p, _r, _n in updates]
        if changed_handles:
            transaction.on_commit(lambda: _invalidate(changed_handles))


def _reserve_ids(n: int) -> list[int]:
    """n ids from the identifier table's sequence in one query (COPY does not return ids)."""
    if not n:
        return []
    table = Identifier._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
        )
        return [row[0] for row in cur.fetchall()]


def _update_from_copy(rows: list[tuple]) -> None:
    """Changed identifiers: COPY into a temporary table, then one UPDATE … FROM."""
    table = Identifier._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMPORARY TABLE _pp_identifier_update "
            "(id bigint PRIMARY KEY, values jsonb, name varchar(255), template_version_id bigint, "
            "updated_at timestamptz) ON COMMIT DROP"
        )
    copy_rows("_pp_identifier_update", ("id", "values", "name", "template_version_id", "updated_at"), rows)
    with connection.cursor() as cur:
        cur.execute(
            f'UPDATE "{table}" AS i SET "values" = u.values, name = u.name, '  # noqa: S608
            "template_version_id = u.template_version_id, updated_at = u.updated_at "
            "FROM _pp_identifier_update AS u WHERE i.id = u.id"
        )
        cur.execute("DROP TABLE _pp_identifier_update")


def _invalidate(handles: list[str]) -> None:
    for chunk in _chunks(handles, LOOKUP_CHUNK):
        handles_changed.send(sender=Identifier, handles=chunk)


__all__ = ["BulkResult", "BulkRow", "RowError", "enterprise_prefix", "identifier_bulk_upsert"]
