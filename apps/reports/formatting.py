"""Numbers and dates the way a Chinese reader expects them in a report, and an English
reader when the report is written in English (the language active while formatting).

``cn_number(1234567)`` → ``123.5万`` (English: ``1.2M``); ``thousands(1234567)`` → ``1,234,567``;
``cn_date(date(2026, 11, 24))`` → ``2026年11月24日`` (English: ``24 November 2026``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

EMPTY = "—"


def thousands(value: int | float | Decimal | None, digits: int = 0) -> str:
    """Thousands separators: 1234567 → 1,234,567 (digits decimals when given)."""
    if value is None:
        return EMPTY
    return f"{value:,.{digits}f}"


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def _scaled(number: float, units: tuple[tuple[str, int], ...], digits: int) -> str | None:
    for unit, size in units:
        if number >= size:
            text = f"{number / size:,.{digits}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return None


def cn_number(value: int | float | Decimal | None, digits: int = 1) -> str:
    """Counts in 万 / 亿 from 10,000 up, plain with separators below; in English, M / B from a
    million up.

    1234 → 1,234; 12345 → 1.2万; 1000000 → 100万; 123456789 → 1.2亿. Trailing ``.0`` is dropped.
    """
    if value is None:
        return EMPTY
    number = float(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    units = (("亿", 100_000_000), ("万", 10_000)) if _chinese() else (("B", 1_000_000_000), ("M", 1_000_000))
    scaled = _scaled(number, units, digits)
    if scaled is not None:
        return f"{sign}{scaled}"
    if number.is_integer():
        return f"{sign}{int(number):,}"
    return f"{sign}{number:,.{digits}f}"


def percent(part: float | None, whole: float | None = None, digits: int = 1) -> str:
    """percent(0.9876) → 98.8%; percent(3, 4) → 75.0%; no whole (or zero) → —."""
    if part is None:
        return EMPTY
    if whole is not None:
        if not whole:
            return EMPTY
        part = part / whole
    return f"{float(part) * 100:.{digits}f}%"


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2026年11月24日 (local date for aware datetimes); no zero padding, as in print."""
    if value is None:
        return EMPTY
    value = _local(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    # a Django date format, translated: "Y年n月j日" in Chinese, "j F Y" in English
    return dateformat.format(value, _("Y年n月j日"))


def cn_month(value: dt.date | None) -> str:
    """2026年11月 (English: November 2026)."""
    if value is None:
        return EMPTY
    return dateformat.format(value, _("Y年n月"))


def cn_datetime(value: dt.datetime | str | None) -> str:
    """2026年11月24日 09:05 (an ISO string, as the filing JSON stores times, is read first)."""
    if value in (None, ""):
        return EMPTY
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    value = _local(value)
    return f"{cn_date(value)} {value:%H:%M}"


def cn_period(start: dt.date, end: dt.date) -> str:
    """2026年11月1日至2026年11月30日."""
    return _("%(start)s至%(end)s") % {"start": cn_date(start), "end": cn_date(end)}


def duration_hours(hours: float | None) -> str:
    """720 → 720小时（30天）; 5.5 → 5.5小时."""
    if hours is None:
        return EMPTY
    text = _("%(hours)s小时") % {"hours": f"{hours:,.1f}".rstrip("0").rstrip(".")}
    if hours >= 24:
        text += _("（%(days)s天）") % {"days": f"{hours / 24:,.1f}".rstrip("0").rstrip(".")}
    return text


def milliseconds(value: float | None) -> str:
    if value is None:
        return EMPTY
    return f"{value:,.1f} ms"
