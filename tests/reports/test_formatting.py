import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.reports import formatting as f

# The session-wide park fixture needs the test database even for these pure functions.
pytestmark = pytest.mark.django_db


def test_thousands_separators():
    assert f.thousands(1234567) == "1,234,567"
    assert f.thousands(0) == "0"
    assert f.thousands(1234.5, 2) == "1,234.50"
    assert f.thousands(None) == "—"


def test_cn_number_uses_wan_and_yi():
    assert f.cn_number(9999) == "9,999"
    assert f.cn_number(10000) == "1万"
    assert f.cn_number(12345) == "1.2万"
    assert f.cn_number(1_000_000) == "100万"
    assert f.cn_number(123_456_789) == "1.2亿"
    assert f.cn_number(Decimal("25000"), digits=2) == "2.5万"
    assert f.cn_number(-15000) == "-1.5万"
    assert f.cn_number(12.34) == "12.3"


def test_percent():
    assert f.percent(0.98765) == "98.8%"
    assert f.percent(3, 4) == "75.0%"
    assert f.percent(1, 0) == "—"
    assert f.percent(None) == "—"


def test_dates_in_chinese_form():
    assert f.cn_date(dt.date(2026, 11, 24)) == "2026年11月24日"
    assert f.cn_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    # an aware datetime late on the 23rd UTC is the 24th in Shanghai
    late = dt.datetime(2026, 11, 23, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert f.cn_date(late) == "2026年11月24日"
    assert f.cn_datetime(late) == "2026年11月24日 04:00"
    assert f.cn_period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == "2026年11月1日至2026年11月30日"


def test_durations_and_latency():
    assert f.duration_hours(720) == "720小时（30天）"
    assert f.duration_hours(5.5) == "5.5小时"
    assert f.milliseconds(12.345) == "12.3 ms"
    assert f.milliseconds(None) == "—"


@pytest.fixture
def english():
    """English as the report's language, from the catalogue (locale/en/LC_MESSAGES/django.po)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_english_numbers_dates_and_durations(english):
    assert f.cn_number(12345) == "12,345"
    assert f.cn_number(2_500_000) == "2.5M"
    assert f.cn_number(3_000_000_000) == "3B"
    assert f.cn_date(dt.date(2026, 11, 24)) == "24 November 2026"
    assert f.cn_month(dt.date(2026, 11, 1)) == "November 2026"
    assert f.cn_datetime("2026-11-24T09:05:00+08:00") == "24 November 2026 09:05"
    assert f.cn_period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == "1 November 2026 to 30 November 2026"
    assert f.duration_hours(720) == "720 h (30 days)"


def test_page_footer_follows_the_language(english):
    from apps.core import pdf

    assert pdf.page_footer_content() == '"Page " counter(page) " of " counter(pages)'


def test_chinese_footer_and_iso_strings():
    from apps.core import pdf

    assert pdf.page_footer_content() == '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    assert f.cn_month(dt.date(2026, 1, 1)) == "2026年1月"
    assert f.cn_datetime("2026-11-24T09:05:00+08:00") == "2026年11月24日 09:05"
    assert f.cn_datetime("") == "—"
