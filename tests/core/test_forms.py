"""Dates in forms are typed 年-月-日 in every browser (apps.core.forms): a text box parsed on the
server, since chromium lays <input type=date> out by the browser's locale (mm/dd/yyyy in a
Chinese page). The browser side is in tests/workbench/test_browser.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from apps.core.forms import DateField, DateTextField, parse_date_text

MARCH_18 = dt.date(2026, 3, 18)


@pytest.mark.parametrize(
    "typed", ["2026-03-18", "2026/3/18", "2026.03.18", "2026年3月18日", " 2026 年 3 月 18 日 ", "2026-3-18"]
)
def test_year_first_dates_are_read(typed):
    assert parse_date_text(typed) == MARCH_18


@pytest.mark.parametrize(
    "typed", ["03/18/2026", "18.03.2026", "2026-13-01", "2026-02-30", "2026-03", "明天", ""]
)
def test_other_orders_and_impossible_dates_are_not(typed):
    assert parse_date_text(typed) is None


class _Form(forms.Form):
    day = DateField(required=False)
    text_day = DateTextField(required=False)


def test_the_form_field_cleans_and_refuses_in_the_users_language():
    form = _Form({"day": "2026年3月18日", "text_day": "2026/3/18"})
    assert form.is_valid()
    assert form.cleaned_data == {"day": MARCH_18, "text_day": "2026-03-18"}
    form = _Form({"day": "03/18/2026"})
    assert not form.is_valid()
    assert form.errors["day"] == ["请按 年-月-日 填写日期，例如 2026-03-18"]
    with translation.override("en"):
        form = _Form({"text_day": "18.03.2026"})
        assert form.errors["text_day"] == ["Enter the date as year-month-day, e.g. 2026-03-18"]


def test_the_box_is_text_with_a_year_first_placeholder():
    html = str(_Form(initial={"day": MARCH_18})["day"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="2026-03-18"' in html and 'placeholder="年-月-日"' in html and "data-date-pick" in html
    with translation.override("en"):
        assert 'placeholder="yyyy-mm-dd"' in str(_Form()["day"])


@pytest.mark.django_db
def test_the_audit_filter_reads_a_chinese_date(park_client, park_admin):
    park_client.force_login(park_admin)
    response = park_client.get("/audit/", {"date_from": "2026年3月18日"})
    assert response.context["form"].cleaned_data["date_from"] == MARCH_18
    assert "请按 年-月-日" not in response.content.decode()
    page = park_client.get("/audit/", {"date_from": "03/18/2026"}).content.decode()
    assert "请按 年-月-日 填写日期" in page
