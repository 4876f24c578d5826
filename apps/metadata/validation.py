"""Validate identifier values against a template's effective items.

One place for the rule, used by the registration service (form, REST API, SNMS API) and the
Excel importer: values come in loosely typed (strings from a form or a spreadsheet cell,
numbers and dates from JSON or openpyxl) and leave as canonical strings keyed by item code,
or as Chinese messages that name the item and say what is wrong.

Uniqueness (the item's ``unique`` flag) needs the registry, so the registration service checks it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from apps.metadata.choices import ItemState, ItemType

# Full-width ASCII (！ to ～) map to ASCII by a fixed offset; U+3000 is the ideographic space.
_FULLWIDTH_ALL = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH_ALL[0x3000] = 0x20
# In free text only digits, Latin letters and the space are folded: full-width Chinese
# punctuation (，（）：) is correct there and must be kept.
_FULLWIDTH_ALNUM = {
    code: code - 0xFEE0
    for code in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))
}
_FULLWIDTH_ALNUM[0x3000] = 0x20

# Free text keeps its line breaks and tabs (Alt+Enter in an Excel cell, a quoted newline in a CSV
# cell, a textarea); every other control, format (zero-width, bidi, BOM) or separator character is
# invisible or reorders what a person reads, so it is refused, never stored.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_TEXT_LAYOUT = frozenset("\n\t")
# Windows and textareas send CRLF, old Mac files a lone CR: stored values use LF only.
_LINE_END = re.compile(r"\r\n?")
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
# A handle: <prefix>/<suffix>, prefix segments separated by dots (88.101.ABC).
_HANDLE = re.compile(r"^[^/\s]{1,64}/\S+$")
_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_FILE_REF = re.compile(r"^[\w.:/\-]+$")

MAX_HANDLE_LENGTH = 255
MAX_FILE_REF_LENGTH = 500


def normalize_text(value: str, *, free_text: bool = False) -> str:
    """Fold full-width characters (a spreadsheet typed with a Chinese IME) and strip whitespace."""
    return value.translate(_FULLWIDTH_ALNUM if free_text else _FULLWIDTH_ALL).strip()


def hidden_characters(text: str, *, allow: frozenset[str] = frozenset()) -> list[str]:
    """The distinct control and invisible characters of ``text`` (other than ``allow``), in order."""
    if text.isprintable():  # the common case, in C: no Cc/Cf/Cs/Zl/Zp (nor Co/Cn, nor Zs but " ")
        return []
    return list(dict.fromkeys(ch for ch in text if ch not in allow and unicodedata.category(ch) in _HIDDEN))


def _code_points(chars: list[str]) -> str:
    return " ".join(f"U+{ord(ch):04X}" for ch in chars)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and normalize_text(value) == "")


class _Invalid(Exception):
    def __init__(self, message: str):
        self.message = message


def _label(item: dict) -> str:
    return f"「{item.get('name') or item.get('code')}」"


def _as_text(value: Any, *, free_text: bool) -> str:
    if isinstance(value, str):
        return normalize_text(value, free_text=free_text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_text(str(value), free_text=free_text)


def _clean_string(item: dict, value: Any) -> str:
    c = item.get("constraints") or {}
    text = _LINE_END.sub("\n", _as_text(value, free_text=True))
    name = _label(item)
    hidden = hidden_characters(text, allow=_TEXT_LAYOUT)
    if hidden:
        raise _Invalid(
            _("%(name)s不能包含控制字符或不可见字符（%(chars)s），换行和制表符除外")
            % {"name": name, "chars": _code_points(hidden)}
        )
    min_length, max_length = c.get("min_length"), c.get("max_length")
    if min_length is not None and len(text) < int(min_length):
        raise _Invalid(_("%(name)s至少 %(n)s 个字符") % {"name": name, "n": min_length})
    if max_length is not None and len(text) > int(max_length):
        raise _Invalid(
            _("%(name)s最多 %(n)s 个字符，当前 %(len)s 个")
            % {"name": name, "n": max_length, "len": len(text)}
        )
    pattern = c.get("pattern")
    if pattern and not re.fullmatch(pattern, text):
        hint = c.get("pattern_hint") or pattern
        raise _Invalid(_("%(name)s格式不正确，应为：%(hint)s") % {"name": name, "hint": hint})
    return text


def _number_message(item: dict) -> str:
    c = item.get("constraints") or {}
    precision = c.get("precision")
    if precision is None:
        return _("%(name)s应为数值") % {"name": _label(item)}
    if int(precision) == 0:
        return _("%(name)s应为整数") % {"name": _label(item)}
    return _("%(name)s应为数值，最多 %(p)s 位小数") % {"name": _label(item), "p": precision}


def _clean_number(item: dict, value: Any) -> str:
    c = item.get("constraints") or {}
    if isinstance(value, bool):
        raise _Invalid(_number_message(item))
    if isinstance(value, float):
        # repr gives the shortest string that round-trips (0.1 stays 0.1, not 0.1000000000000000055)
        text = repr(value)
    else:
        text = _as_text(value, free_text=False)
    unit = (c.get("unit") or "").strip()
    if unit and text.lower().endswith(unit.lower()):
        text = text[: -len(unit)].strip()
    text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Invalid(_number_message(item)) from None
    if not number.is_finite():
        raise _Invalid(_number_message(item))
    precision = c.get("precision")
    exponent = number.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    if precision is not None and decimals > int(precision):
        # 12.50 with precision 1 is still 12.5: only significant decimals count
        normalized = number.normalize()
        n_exp = normalized.as_tuple().exponent
        if max(0, -n_exp) > int(precision):
            raise _Invalid(_number_message(item))
        number = normalized
    unit_text = f" {unit}" if unit else ""
    # the label (a translation) only for a refusal: terminals validate thousands of readings a second
    if c.get("min") is not None and number < Decimal(str(c["min"])):
        raise _Invalid(
            _("%(name)s不能小于 %(min)s%(unit)s") % {"name": _label(item), "min": c["min"], "unit": unit_text}
        )
    if c.get("max") is not None and number > Decimal(str(c["max"])):
        raise _Invalid(
            _("%(name)s不能大于 %(max)s%(unit)s") % {"name": _label(item), "max": c["max"], "unit": unit_text}
        )
    result = format(number, "f")
    if result.startswith("-") and number == 0:
        result = result[1:]
    return result


def parse_date(value: Any) -> dt.date | None:
    """A date from an ISO string, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301, or a date/datetime."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = normalize_text(value)
    # A spreadsheet cell may carry a time part: "2024-03-01 00:00:00"
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _clean_date(item: dict, value: Any) -> str:
    c = item.get("constraints") or {}
    parsed = parse_date(value)
    name = _label(item)
    if parsed is None:
        raise _Invalid(_("%(name)s应为日期，例如 2024-03-01") % {"name": name})
    if c.get("min") and parsed < dt.date.fromisoformat(str(c["min"])):
        raise _Invalid(_("%(name)s不能早于 %(min)s") % {"name": name, "min": c["min"]})
    if c.get("max") and parsed > dt.date.fromisoformat(str(c["max"])):
        raise _Invalid(_("%(name)s不能晚于 %(max)s") % {"name": name, "max": c["max"]})
    return parsed.isoformat()


def enum_choices(item: dict) -> list[str]:
    """Choices are plain strings (the stored value is the label a person reads)."""
    choices = (item.get("constraints") or {}).get("choices") or []
    return [str(choice["value"] if isinstance(choice, dict) else choice) for choice in choices]


def _clean_enum(item: dict, value: Any) -> str:
    text = _as_text(value, free_text=True)
    choices = enum_choices(item)
    if text in choices:
        return text
    folded = {choice.casefold(): choice for choice in choices}
    if text.casefold() in folded:
        return folded[text.casefold()]
    raise _Invalid(
        _("%(name)s的值「%(value)s」不在可选范围内，可选：%(choices)s")
        % {"name": _label(item), "value": text, "choices": "、".join(choices)}
    )


def _clean_file(item: dict, value: Any) -> str:
    c = item.get("constraints") or {}
    text = _as_text(value, free_text=False)
    name = _label(item)
    if len(text) > MAX_FILE_REF_LENGTH or not (_URL.match(text) or _FILE_REF.match(text)):
        raise _Invalid(_("%(name)s应为文件链接（http/https）或附件编号") % {"name": name})
    extensions = [ext.lower().lstrip(".") for ext in c.get("extensions") or []]
    if extensions:
        path = text.split("?", 1)[0].lower()
        if _URL.match(text) or "." in path.rsplit("/", 1)[-1]:
            if not any(path.endswith(f".{ext}") for ext in extensions):
                raise _Invalid(
                    _("%(name)s的文件类型应为：%(ext)s") % {"name": name, "ext": "、".join(extensions)}
                )
    return text


def _clean_reference(item: dict, value: Any, reference_exists: Callable[[str], bool] | None) -> str:
    c = item.get("constraints") or {}
    text = _as_text(value, free_text=False)
    name = _label(item)
    if len(text) > MAX_HANDLE_LENGTH or hidden_characters(text) or not _HANDLE.match(text):
        raise _Invalid(_("%(name)s应为另一个标识，格式为 前缀/后缀，例如 88.101.ABC/B001") % {"name": name})
    ref_prefix = c.get("ref_prefix")
    if ref_prefix and not text.lower().startswith(ref_prefix.lower().rstrip("/") + "/"):
        raise _Invalid(_("%(name)s应为前缀 %(prefix)s 下的标识") % {"name": name, "prefix": ref_prefix})
    if reference_exists is not None and not reference_exists(text):
        raise _Invalid(_("%(name)s引用的标识 %(handle)s 不存在") % {"name": name, "handle": text})
    return text


def clean_value(item: dict, value: Any, *, reference_exists: Callable[[str], bool] | None = None) -> str:
    """One non-empty value → canonical string, or raise ValueError with the Chinese message."""
    kind = item.get("item_type") or ItemType.STRING
    try:
        if kind == ItemType.NUMBER:
            return _clean_number(item, value)
        if kind == ItemType.DATE:
            return _clean_date(item, value)
        if kind == ItemType.ENUM:
            return _clean_enum(item, value)
        if kind == ItemType.FILE:
            return _clean_file(item, value)
        if kind == ItemType.REFERENCE:
            return _clean_reference(item, value, reference_exists)
        return _clean_string(item, value)
    except _Invalid as exc:
        raise ValueError(exc.message) from None


def validate_values(
    items: list[dict],
    values: dict[str, object],
    *,
    reference_exists: Callable[[str], bool] | None = None,
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Check ``values`` (keyed by item code) against effective ``items``.

    Returns (cleaned, errors): cleaned maps item code → canonical string for every non-empty
    value; errors maps item code → messages. Empty optional values are left out of cleaned.
    ``reference_exists(handle) -> bool`` checks that a referenced identifier exists.
    """
    by_code = {item["code"]: item for item in items}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for code, value in (values or {}).items():
        item = by_code.get(code)
        if item is None:
            errors.setdefault(code, []).append(_("模板中没有数据项「%(code)s」") % {"code": code})
            continue
        if is_empty(value):
            continue
        if item.get("state", ItemState.ENABLED) != ItemState.ENABLED:
            errors.setdefault(code, []).append(_("%(name)s已停用，不能填写") % {"name": _label(item)})
            continue
        try:
            cleaned[code] = clean_value(item, value, reference_exists=reference_exists)
        except ValueError as exc:
            errors.setdefault(code, []).append(str(exc))
    for item in sorted(items, key=lambda i: (i.get("order", 0), i["index"])):
        code = item["code"]
        if (
            item.get("required")
            and item.get("state", ItemState.ENABLED) == ItemState.ENABLED
            and code not in cleaned
            and code not in errors
        ):
            errors[code] = [_("%(name)s为必填项") % {"name": _label(item)}]
    return cleaned, errors
