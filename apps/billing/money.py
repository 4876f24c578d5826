"""Money arithmetic: Decimal throughout, rounded half-up to 分 once per line, amounts in words."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import cn2an

CENT = Decimal("0.01")
ZERO = Decimal("0")


def to_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_money(value) -> Decimal:
    """Half-up to 0.01 (¥0.005 → ¥0.01), never banker's rounding."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(billable_quantity, unit_price, unit_size: int = 1) -> Decimal:
    """The amount of ``billable_quantity`` units at ``unit_price`` per ``unit_size`` units, rounded
    once (units are charged pro rata: 2,500 resolutions at ¥5 per 10,000 are ¥1.25)."""
    return round_money(to_decimal(billable_quantity) * to_decimal(unit_price) / Decimal(unit_size))


def vat_of(subtotal: Decimal, rate_percent: Decimal) -> Decimal:
    return round_money(to_decimal(subtotal) * to_decimal(rate_percent) / Decimal(100))


def amount_in_words(amount) -> str:
    """大写金额 (壹仟贰佰叁拾肆元伍角陆分) by cn2an; a negative amount (a credit note) reads 负…."""
    value = round_money(amount)
    words = cn2an.an2cn(f"{abs(value):.2f}", "rmb")
    return f"负{words}" if value < 0 else words
