"""Money and quantity as the billing pages and the bill PDF print them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value) -> str:
    """¥ amounts: two places, thousands separated (1,234.50)."""
    number = _decimal(value)
    return "" if number is None else f"{number:,.2f}"


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros, thousands separated (12,500 · 0.25)."""
    number = _decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number.normalize():,f}"


@register.filter
def price(value) -> str:
    """A unit price: at least two places, up to four (0.05 · 0.0125)."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number:,.4f}".rstrip("0")
    whole, _dot, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"
