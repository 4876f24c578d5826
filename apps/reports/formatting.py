"""Numbers and dates the way a Chinese reader expects them in a report.

``cn_number(1234567)`` → ``123.5万``; ``thousands(1234567)`` → ``1,234,567``;
``cn_date(date(2026, 11, 24))`` → ``2026年11月24日``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

EMPTY = "—"


def thousands(value: int | float | Decimal | None, digits: int = 0) -> str:
    """Thousands separators: 1234567 → 1,234,567 (digits decimals when given)."""
    if value is None:
        return EMPTY
    return f"{value:,.{digits}f}"


def cn_number(value: int | float | Decimal | None, digits: int = 1) -> str:
    """Counts in 万 / 亿 from 10,000 up, plain with separators below.

    1234 → 1,234; 12345 → 1.2万; 1000000 → 100万; 123456789 → 1.2亿. Trailing ``.0`` is dropped.
    """
    if value is None:
        return EMPTY
    number = float(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    for unit, size in (("亿", 100_000_000), ("万", 10_000)):
        if number >= size:
            text = f"{number / size:,.{digits}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}{text}{unit}"
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


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2026年11月24日 (local date for aware datetimes); no zero padding, as in print."""
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(value: dt.date | None) -> str:
    """2026年11月."""
    if value is None:
        return EMPTY
    return f"{value.year}年{value.month}月"


def cn_datetime(value: dt.datetime | str | None) -> str:
    """2026年11月24日 09:05 (an ISO string, as the filing JSON stores times, is read first)."""
    if value in (None, ""):
        return EMPTY
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{cn_date(value)} {value:%H:%M}"


def cn_period(start: dt.date, end: dt.date) -> str:
    """2026年11月1日至2026年11月30日."""
    return f"{cn_date(start)}至{cn_date(end)}"


def duration_hours(hours: float | None) -> str:
    """720 → 720小时（30天）; 5.5 → 5.5小时."""
    if hours is None:
        return EMPTY
    text = f"{hours:,.1f}".rstrip("0").rstrip(".") + "小时"
    if hours >= 24:
        days = hours / 24
        text += f"（{days:,.1f}".rstrip("0").rstrip(".") + "天）"
    return text


def milliseconds(value: float | None) -> str:
    if value is None:
        return EMPTY
    return f"{value:,.1f} ms"
