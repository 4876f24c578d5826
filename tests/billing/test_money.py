from decimal import Decimal

import pytest

from apps.billing.money import amount_in_words, line_amount, round_money, vat_of


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("100", "壹佰元整"),
        ("0.05", "伍分"),
        ("1001.01", "壹仟零壹元零壹分"),
        ("0", "零元整"),
        ("-1234.56", "负壹仟贰佰叁拾肆元伍角陆分"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_rounding_is_half_up_not_bankers():
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_money(Decimal("0.135")) == Decimal("0.14")
    assert round_money(Decimal("-0.125")) == Decimal("-0.13")


def test_line_amount_is_pro_rata_and_rounded_once():
    # 25,005 resolutions at ¥5 per 10,000: 12.5025 → 12.50
    assert line_amount(Decimal("25005"), Decimal("5"), 10000) == Decimal("12.50")
    assert line_amount(Decimal("3"), Decimal("0.335")) == Decimal("1.01")  # 1.005 → 1.01


def test_vat():
    assert vat_of(Decimal("1000.00"), Decimal("6")) == Decimal("60.00")
    assert vat_of(Decimal("0.25"), Decimal("6")) == Decimal("0.02")  # 0.015 → 0.02
