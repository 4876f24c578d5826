"""Both home pages in chromium at 1366×900: the to-do list and the figures are drawn (SVG charts,
nothing wider than the screen), '/' focuses the header's search box and a search lands on the
results; and a date box reads 年-月-日 whatever the browser's locale. Screenshots in tmp_path."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.core.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1366, 900


def check_home(page, base: str, shots, label: str, figures: list[str]) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(base + "/")
    assert page.locator("[data-testid=todo]").is_visible()
    for name in figures:
        figure = page.locator(f'[data-figure="{name}"]')
        assert figure.is_visible(), name
        assert figure.locator(".window").inner_text().strip(), f"{name} names no time window"
        box = figure.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{name} wider than the screen ({box})"
    charts = page.locator(".figure svg.chart")
    assert charts.count() >= 3
    for i in range(charts.count()):
        assert charts.nth(i).is_visible() and charts.nth(i).bounding_box()["width"] > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.screenshot(path=shots / f"{label}-{WIDTH}.png", full_page=True)

    page.locator("h1").click()  # focus on the page, not in a field
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search"
    assert page.locator("#global-search").input_value() == ""  # the '/' was not typed into it
    page.keyboard.type("OBJ1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workbench/search/?q=OBJ1")
    assert page.locator('[data-result="identifier"]').count() >= 1
    page.screenshot(path=shots / f"{label}-search.png")


def test_park_and_enterprise_home_pages(
    live_server, live_url, page, park_admin, admin_a, alpha, beta, make_identifiers, tmp_path
):
    from apps.resolution.models import ResolutionStat

    make_identifiers(alpha, 3)
    make_identifiers(beta, 2)
    hour = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    for back, n in ((0, 40), (2, 25), (5, 60)):
        ResolutionStat.objects.create(
            hour=hour - dt.timedelta(hours=back),
            prefix="88.101.alpha",
            enterprise=alpha,
            count=n,
            not_found=1,
        )

    park = live_url("park.localhost")
    login(page, park, park_admin.username)
    check_home(
        page,
        park,
        tmp_path,
        "park",
        ["registrations", "resolutions", "enterprises", "top-prefixes", "sync", "build-cases", "audit"],
    )
    assert page.locator('[data-result="identifier"]').count() == 2  # the park sees both tenants' OBJ1

    page.context.clear_cookies()
    enterprise = live_url(factories.domain_of(alpha))
    login(page, enterprise, admin_a.username)
    check_home(
        page,
        enterprise,
        tmp_path,
        "alpha",
        ["registrations", "by-template", "resolutions", "imports", "prefix", "people"],
    )
    assert page.locator('[data-result="identifier"]').count() == 1  # its own only


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_date_box_reads_year_month_day(live_server, live_url, browser, park_admin, locale, tmp_path):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    try:
        base = live_url("park.localhost")
        login(page, base, park_admin.username)
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        page.goto(f"{base}/audit/")
        box = page.locator("input[name=date_from]")
        # the page is Chinese: the box says 年-月-日 in either browser locale
        assert box.get_attribute("type") == "text" and box.get_attribute("placeholder") == "年-月-日"
        picker = page.locator("input[name=date_from] ~ [data-date-pick]")
        assert picker.is_visible()  # chromium has showPicker: the calendar button is offered
        # what the browser's calendar writes back lands in the box as 年-月-日
        page.evaluate(
            """() => { const proxy = document.querySelector('input[name=date_from] ~ .date-picker-proxy');
                       proxy.value = '2026-03-18'; proxy.dispatchEvent(new Event('change')); }"""
        )
        assert box.input_value() == "2026-03-18"
        box.fill("2026年3月1日")
        page.screenshot(
            path=tmp_path / f"date-{locale}.png", clip={"x": 0, "y": 0, "width": WIDTH, "height": 300}
        )
        box.press("Enter")
        page.wait_for_load_state()
        assert "date_from=2026" in page.url
        assert page.locator(".errorlist, .error").count() == 0
        assert page.locator("input[name=date_from]").input_value() == "2026年3月1日"
    finally:
        context.close()
