"""The one module that parses, formats and validates handles.

A handle is ``<prefix>/<suffix>``; the prefix is ``<country>.<park code>.<enterprise code>``
(``88.101.ALPHA``) and compared case-insensitively; the suffix is the object code, optionally
followed by one ISO/IEC 7064 MOD 37,36 check character, and is case-sensitive.

Limits (Handle System / MIIT secondary-node conventions): UTF-8, whole handle ≤ 255 characters,
prefix ≤ 64, no control characters. Widths and the country code come from settings (and the
Park row) so a deployment for another country or a longer park code needs no code change.

Every refusal is a :class:`HandleError` whose ``reason`` maps to a Handle response code
(``HANDLE_MALFORMED`` → RC 0x0A / 10 "invalid handle"), so the resolver can answer in kind.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from stdnum.iso7064 import mod_37_36

# The check character alphabet of MOD 37,36 is 0-9A-Z; object codes of templates that use a
# check character are restricted to it (see validate_check_object_code).
CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The separator between object code and check character. The guide allows a "security code"
# appended to the object code; a separator keeps object codes that end in a letter unambiguous.
CHECK_SEPARATOR = "-"

RC_HANDLE_MALFORMED = 10  # Handle RC "HANDLE_INVALID" (0x0A)


class HandleError(ValueError):
    """A handle (or part of one) is not well formed. ``reason`` is machine-readable; ``message``
    is the Chinese sentence a person reads; ``response_code`` is the Handle RC to answer with."""

    def __init__(self, reason: str, message: str, *, response_code: int = RC_HANDLE_MALFORMED):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.response_code = response_code


@dataclass(frozen=True)
class HandleRules:
    country_code: str = "88"
    park_code_width: int = 3
    enterprise_code_max: int = 20
    max_handle: int = 255
    max_prefix: int = 64


@dataclass(frozen=True)
class ParsedHandle:
    """A parsed handle. ``suffix`` is ``object_code`` plus, when present, ``-<check>``."""

    country_code: str
    park_code: str
    enterprise_code: str
    suffix: str

    @property
    def prefix(self) -> str:
        return f"{self.country_code}.{self.park_code}.{self.enterprise_code}"

    @property
    def handle(self) -> str:
        return f"{self.prefix}/{self.suffix}"

    @property
    def handle_ci(self) -> str:
        """The uniqueness key: the prefix folds case, so does the key (suffix case-variants
        are refused as duplicates; resolution then compares the suffix exactly)."""
        return self.handle.lower()

    def __str__(self) -> str:
        return self.handle


def rules() -> HandleRules:
    """The deployment's rules from settings; the country code is the Park row's when it exists
    (the same one format_prefix writes), else PARK_COUNTRY_CODE."""
    base = HandleRules(country_code=str(getattr(settings, "PARK_COUNTRY_CODE", "88")))
    return HandleRules(
        country_code=_country_code(base),
        park_code_width=int(getattr(settings, "PARK_CODE_WIDTH", 3)),
        enterprise_code_max=int(getattr(settings, "ENTERPRISE_CODE_MAX_LENGTH", 20)),
        max_handle=int(getattr(settings, "IDENTIFIER_MAX_HANDLE_LENGTH", 255)),
        max_prefix=int(getattr(settings, "IDENTIFIER_MAX_PREFIX_LENGTH", 64)),
    )


_DIGITS = re.compile(r"^[0-9]+$")
_ENTERPRISE = re.compile(r"^[A-Za-z0-9]+$")


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)


def _check_text(text: str) -> None:
    if not isinstance(text, str) or not text:
        raise HandleError("empty", _("标识不能为空"))
    if _has_control(text):
        raise HandleError("control_character", _("标识不能包含控制字符或不可见字符"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise HandleError("encoding", _("标识必须是合法的 UTF-8 文本")) from None


def validate_object_code(code: str, *, max_length: int | None = None) -> str:
    """An object code (the suffix without its check character): no '/', no whitespace, no
    control characters. Returns it unchanged."""
    _check_text(code)
    if "/" in code or any(ch.isspace() for ch in code):
        raise HandleError("bad_suffix", _("对象代码不能包含斜杠或空白字符"))
    if max_length is not None and len(code) > max_length:
        raise HandleError("too_long", _("对象代码最多 %(n)s 个字符") % {"n": max_length})
    return code


def validate_check_object_code(code: str, *, max_length: int | None = None) -> str:
    """An object code for a template that uses a check character: 0-9 and A-Z only.

    MOD 37,36 is defined on exactly that alphabet; folding other characters into it would give
    ``A-1`` and ``A91`` (or ``b1`` and ``B1``) the same check character, so a mistyped character
    would go unnoticed. The registration service, the form, the API and the Excel import all
    call this one function. Returns the code unchanged."""
    validate_object_code(code, max_length=max_length)
    bad = "".join(dict.fromkeys(ch for ch in code if ch not in CHECK_ALPHABET))
    if bad:
        raise HandleError(
            "check_alphabet",
            _("该模板启用了校验位，对象代码只能由数字 0-9 和大写字母 A-Z 组成（不允许的字符：%(chars)s）")
            % {"chars": " ".join(bad)},
        )
    return code


def check_character(object_code: str) -> str:
    """The ISO/IEC 7064 MOD 37,36 check character of ``object_code`` (0-9A-Z only)."""
    validate_check_object_code(object_code)
    return mod_37_36.calc_check_digit(object_code)


def check_character_valid(object_code: str, check: str) -> bool:
    if len(check) != 1 or check not in CHECK_ALPHABET:
        return False
    if not object_code or any(ch not in CHECK_ALPHABET for ch in object_code):
        return False
    try:
        mod_37_36.validate(object_code + check)
    except Exception:
        return False
    return True


def suffix_with_check(object_code: str) -> str:
    return f"{object_code}{CHECK_SEPARATOR}{check_character(object_code)}"


def split_check(suffix: str) -> tuple[str, str]:
    """``B001-7`` → (``B001``, ``7``) when the last character verifies; else (suffix, "")."""
    if len(suffix) >= 3 and suffix[-2] == CHECK_SEPARATOR:
        code, check = suffix[:-2], suffix[-1]
        if check_character_valid(code, check):
            return code, check
    return suffix, ""


def verify_suffix(suffix: str) -> str:
    """For templates that use a check character: the object code, or HandleError."""
    if len(suffix) < 3 or suffix[-2] != CHECK_SEPARATOR:
        raise HandleError("missing_check", _("后缀缺少校验位（格式：对象代码-校验字符）"))
    code, check = split_check(suffix)
    if not check:
        raise HandleError("bad_check", _("后缀 %(s)s 的校验位不正确") % {"s": suffix})
    return code


def format_prefix(
    enterprise_code: str, *, park_code: str | None = None, country_code: str | None = None
) -> str:
    r = rules()
    park_code = park_code if park_code is not None else _park_code()
    prefix = f"{country_code or _country_code(r)}.{park_code}.{enterprise_code}"
    parse_prefix(prefix)
    return prefix


def _country_code(r: HandleRules) -> str:
    try:
        from apps.tenants.models import Park

        park = Park.objects.only("country_code").first()
        if park is not None and park.country_code:
            return park.country_code
    except Exception:  # no database yet (import time, migrations)
        pass
    return r.country_code


def _park_code() -> str:
    from apps.tenants.models import Park

    park = Park.objects.only("park_code").first()
    if park is None:
        raise HandleError("no_park", _("园区尚未配置园区代码"))
    return park.park_code


def parse_prefix(prefix: str, *, rules_: HandleRules | None = None) -> tuple[str, str, str]:
    """``88.101.ALPHA`` → (country, park code, enterprise code)."""
    r = rules_ or rules()
    _check_text(prefix)
    if len(prefix) > r.max_prefix:
        raise HandleError("prefix_too_long", _("前缀最多 %(n)s 个字符") % {"n": r.max_prefix})
    parts = prefix.split(".")
    if len(parts) != 3:
        raise HandleError("bad_prefix", _("前缀格式应为 国家代码.园区代码.企业代码，例如 88.101.ABC"))
    country, park, enterprise = parts
    if not _DIGITS.match(country):
        raise HandleError("bad_country", _("前缀的国家代码应为数字"))
    if country != r.country_code:
        raise HandleError(
            "wrong_country",
            _("前缀的国家代码应为 %(code)s，不是 %(given)s") % {"code": r.country_code, "given": country},
        )
    if not (_DIGITS.match(park) and len(park) == r.park_code_width):
        raise HandleError("bad_park", _("前缀的园区代码应为 %(n)s 位数字") % {"n": r.park_code_width})
    if not (_ENTERPRISE.match(enterprise) and 1 <= len(enterprise) <= r.enterprise_code_max):
        raise HandleError(
            "bad_enterprise",
            _("前缀的企业代码应为 1 到 %(n)s 位字母或数字") % {"n": r.enterprise_code_max},
        )
    return country, park, enterprise


def parse_handle(text: str, *, rules_: HandleRules | None = None) -> ParsedHandle:
    """Parse and validate a handle; raise HandleError naming what is wrong."""
    r = rules_ or rules()
    _check_text(text)
    if len(text) > r.max_handle:
        raise HandleError("too_long", _("标识最多 %(n)s 个字符") % {"n": r.max_handle})
    if "/" not in text:
        raise HandleError("no_suffix", _("标识格式应为 前缀/后缀，例如 88.101.ABC/B001"))
    prefix, suffix = text.split("/", 1)
    country, park, enterprise = parse_prefix(prefix, rules_=r)
    if not suffix:
        raise HandleError("no_suffix", _("标识的后缀不能为空"))
    validate_object_code(suffix)
    return ParsedHandle(country_code=country, park_code=park, enterprise_code=enterprise, suffix=suffix)


def format_handle(parsed_or_prefix: ParsedHandle | str, suffix: str | None = None) -> str:
    """``format_handle(parsed)`` or ``format_handle(prefix, suffix)``; validates the result."""
    if isinstance(parsed_or_prefix, ParsedHandle):
        text = parsed_or_prefix.handle
    else:
        if suffix is None:
            raise TypeError("format_handle(prefix, suffix) needs a suffix")
        text = f"{parsed_or_prefix}/{suffix}"
    parse_handle(text)
    return text


def is_valid_handle(text: str) -> bool:
    try:
        parse_handle(text)
    except HandleError:
        return False
    return True


def max_suffix_length(prefix: str) -> int:
    return rules().max_handle - len(prefix) - 1


__all__ = [
    "CHECK_SEPARATOR",
    "HandleError",
    "HandleRules",
    "ParsedHandle",
    "check_character",
    "check_character_valid",
    "format_handle",
    "format_prefix",
    "is_valid_handle",
    "max_suffix_length",
    "parse_handle",
    "parse_prefix",
    "split_check",
    "suffix_with_check",
    "validate_check_object_code",
    "validate_object_code",
    "verify_suffix",
]
