"""Price lists and settings: bad input is refused naming the field, and nothing is written."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.billing import services
from apps.billing.models import BillingSettings, Price, PriceList, PriceTier
from apps.core.errors import ApplicationError, PermissionDenied
from tests.billing import builders

pytestmark = pytest.mark.django_db


def _tiers(*bands):
    return [
        {
            "kind": "registration",
            "tiers": [{"from_quantity": a, "to_quantity": b, "unit_price": p} for a, b, p in bands],
        }
    ]


def _refused(actor, prices) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        services.price_list_create(
            actor=actor, name="错误", effective_from=dt.date(2026, 4, 1), prices=prices
        )
    assert not PriceList.objects.exists() and not Price.objects.exists() and not PriceTier.objects.exists()
    return caught.value


def test_a_valid_price_list_is_written_with_its_tiers(park_finance):
    price_list = builders.price_list(park_finance)
    registration = price_list.prices.get(kind="registration")
    assert [(t.from_quantity, t.to_quantity, t.unit_price) for t in registration.tiers.all()] == [
        (Decimal(0), Decimal(10000), Decimal(0)),
        (Decimal(10000), Decimal(1000000), Decimal(20)),
        (Decimal(1000000), None, Decimal(10)),
    ]
    assert price_list.prices.get(kind="resolution").free_allowance == Decimal(100000)


def test_a_gap_between_tiers_is_refused_naming_the_tier(park_finance):
    error = _refused(park_finance, _tiers((0, 10000, "0"), (20000, None, "20")))
    assert error.code == "tier_gap"
    assert list(error.errors) == ["prices.0.tiers.1.from_quantity"]
    assert "空缺" in error.message and "标识注册" in error.message


def test_overlapping_tiers_are_refused(park_finance):
    error = _refused(park_finance, _tiers((0, 10000, "0"), (5000, None, "20")))
    assert error.code == "tier_overlap"
    assert list(error.errors) == ["prices.0.tiers.1.from_quantity"]


def test_tiers_must_start_at_zero_and_end_open(park_finance):
    assert _refused(park_finance, _tiers((100, None, "1"))).errors.keys() == {
        "prices.0.tiers.0.from_quantity"
    }
    assert _refused(park_finance, _tiers((0, 100, "1"))).errors.keys() == {"prices.0.tiers.0.to_quantity"}


def test_a_negative_price_is_refused_naming_the_field(park_finance):
    error = _refused(park_finance, [{"kind": "resolution", "unit_price": "-1"}])
    assert error.errors.keys() == {"prices.0.unit_price"}
    assert "不能为负数" in error.message
    error = _refused(park_finance, _tiers((0, 10, "0"), (10, None, "-0.01")))
    assert error.errors.keys() == {"prices.0.tiers.1.unit_price"}


def test_an_unknown_or_repeated_kind_is_refused(park_finance):
    assert _refused(park_finance, [{"kind": "coffee", "unit_price": "1"}]).errors.keys() == {"prices.0.kind"}
    repeated = [{"kind": "storage", "unit_price": "1"}, {"kind": "storage", "unit_price": "2"}]
    assert _refused(park_finance, repeated).errors.keys() == {"prices.1.kind"}


def test_vat_rate_outside_0_to_17_percent_is_refused_and_nothing_changes(park_finance):
    settings = BillingSettings.load()
    assert settings.vat_rate == Decimal("6.00")
    for rate in ("17.01", "-1", "abc"):
        with pytest.raises(ApplicationError) as caught:
            services.billing_settings_update(actor=park_finance, vat_rate=rate, payment_terms_days=30)
        assert caught.value.errors.keys() == {"vat_rate"}
    settings.refresh_from_db()
    assert settings.vat_rate == Decimal("6.00") and settings.payment_terms_days == 15
    services.billing_settings_update(actor=park_finance, vat_rate="17")
    settings.refresh_from_db()
    assert settings.vat_rate == Decimal("17.00")


def test_only_park_admin_and_finance_write_prices(park_auditor, admin_a, park_admin):
    for user in (park_auditor, admin_a):
        with pytest.raises(PermissionDenied):
            builders.price_list(user)
    assert builders.price_list(park_admin).pk


def test_a_price_list_used_by_a_bill_is_immutable(frozen_clock, park_finance, enterprise_a):
    price_list = builders.price_list(park_finance)
    services.price_list_update(actor=park_finance, price_list=price_list, name="2026 资费（修订）")
    services.bill_generate(enterprise=enterprise_a, period=builders.FEBRUARY)
    price_list.refresh_from_db()
    assert price_list.is_locked
    for change in (
        lambda: services.price_list_update(actor=park_finance, price_list=price_list, name="改名"),
        lambda: services.price_list_delete(actor=park_finance, price_list=price_list),
    ):
        with pytest.raises(ApplicationError) as caught:
            change()
        assert caught.value.code == "price_list_locked"
    price_list.refresh_from_db()
    assert price_list.name == "2026 资费（修订）"
