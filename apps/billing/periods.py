"""Billing periods are calendar months in the park's time zone, named by their first day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(period: dt.date) -> dt.date:
    return (period.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def period_bounds(period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month as aware datetimes in the park's time zone."""
    start = timezone.make_aware(dt.datetime.combine(month_start(period), dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(next_month(period), dt.time.min))
    return start, end


def today() -> dt.date:
    return timezone.localdate()


def current_period() -> dt.date:
    return month_start(today())


# Months a bill can be for: a year far outside (0001-01) is a typing slip, and near the ends of
# the calendar the period's bounds in the park's time zone overflow datetime.
YEARS = range(2000, 3000)


def parse_period(value: str) -> dt.date | None:
    """``2026-03`` (or any date in the month) → 2026-03-01; None when it is not a month of
    ``YEARS``."""
    value = (value or "").strip()
    for fmt in ("%Y-%m", "%Y-%m-%d"):
        try:
            month = month_start(dt.datetime.strptime(value, fmt).date())
        except ValueError:
            continue
        return month if month.year in YEARS else None
    return None
