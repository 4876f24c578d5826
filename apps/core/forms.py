"""Form pieces shared by every app.

Dates: a text box that reads 年-月-日 in every browser. ``<input type=date>`` is laid out by the
browser's own locale, not the page's: chromium showed a Chinese page's date fields as
mm/dd/yyyy (with ``<html lang=zh-Hans>``, and even headless with ``--lang=zh-CN``). So dates are
typed year first — 2026-03-18, 2026/3/18, 2026.3.18 or 2026年3月18日 — and parsed here, on the
server, the same way for every form; the box's calendar button (static/js/portal.js) opens the
browser's date picker and writes the ISO date back.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_PLACEHOLDER = _("年-月-日")
DATE_INVALID = _("请按 年-月-日 填写日期，例如 2026-03-18")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_date_text(value) -> dt.date | None:
    """2026-03-18, 2026/3/18, 2026.3.18, 2026年3月18日 → a date; anything else → None."""
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(str(value or ""))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


class DateTextInput(forms.TextInput):
    template_name = "core/widgets/date_text.html"

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "12",
            "class": "date-text",
            "data-date-text": "",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.isoformat()
        return super().format_value(value)


class DateField(forms.DateField):
    """A date typed 年-月-日 (see the module's note); cleaned to a ``datetime.date``."""

    widget = DateTextInput
    default_error_messages = {"invalid": DATE_INVALID}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        parsed = parse_date_text(value)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class DateTextField(forms.CharField):
    """The same box for a date kept as text (a template item's value): cleaned to 2026-03-18."""

    widget = DateTextInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        parsed = parse_date_text(value)
        if parsed is None:
            raise forms.ValidationError(DATE_INVALID, code="invalid")
        return parsed.isoformat()
