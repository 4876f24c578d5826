"""The main menu in a real browser, for the park admin (the most entries) on the park domain and
an enterprise admin on the enterprise's: at 1280, 1366 and 1920 px the header keeps one line and
every entry lies inside its opened dropdown; at 390 px the menu button shows the whole menu.
Screenshots of each go to the test's tmp_path."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = (1280, 1366, 1920)
PHONE = 390
HEIGHT = 900


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def inside(inner: dict, outer: dict, *, slack: float = 0.5) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


def visible_area(page) -> dict:
    size = page.viewport_size
    return {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}


def check_desktop(page, width: int, shots, label: str) -> int:
    page.set_viewport_size({"width": width, "height": HEIGHT})
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 60, f"{label} @ {width}: the header wrapped ({header})"
    assert page.locator(".nav-toggle").is_hidden()
    screen = visible_area(page)
    assert inside(header, screen)
    for item in page.locator("header.topbar a, header.topbar button").all():
        if item.is_visible():
            box = item.bounding_box()
            assert inside(box, header), f"{label} @ {width}: {item.inner_text()!r} clipped ({box})"
    checked = 0
    groups = page.locator(".nav-group")
    for i in range(groups.count()):
        group = groups.nth(i)
        toggle = group.locator(".nav-group-toggle")
        assert inside(toggle.bounding_box(), header)
        toggle.click()
        dropdown = group.locator(".nav-dropdown")
        assert dropdown.is_visible()
        menu_box = dropdown.bounding_box()
        assert inside(menu_box, screen), f"{label} @ {width}: dropdown {i} off screen ({menu_box})"
        for entry in dropdown.locator("a").all():
            box = entry.bounding_box()
            assert entry.is_visible() and inside(box, menu_box), (
                f"{entry.inner_text()!r} outside its dropdown"
            )
            checked += 1
        page.screenshot(path=shots / f"{label}-{width}-{group.get_attribute('data-group')}.png")
        page.keyboard.press("Escape")
        assert dropdown.is_hidden()
    page.screenshot(path=shots / f"{label}-{width}.png")
    return checked


def check_phone(page, shots, label: str) -> int:
    page.set_viewport_size({"width": PHONE, "height": HEIGHT})
    menu_button = page.locator(".nav-toggle")
    assert menu_button.is_visible() and page.locator("#mainnav").is_hidden()
    header = page.locator("header.topbar").bounding_box()
    assert inside(menu_button.bounding_box(), header)
    page.screenshot(path=shots / f"{label}-{PHONE}-closed.png")
    menu_button.click()
    assert menu_button.get_attribute("aria-expanded") == "true"
    nav = page.locator("#mainnav")
    toggles = nav.locator(".nav-group-toggle")
    checked = 0
    for i in range(toggles.count()):
        toggles.nth(i).click()
        nav_box = nav.bounding_box()
        assert nav_box["x"] >= 0 and nav_box["x"] + nav_box["width"] <= PHONE
        dropdown = nav.locator(".nav-dropdown").nth(i)
        for entry in dropdown.locator("a").all():
            box = entry.bounding_box()
            assert entry.is_visible() and inside(box, nav_box), f"{entry.inner_text()!r} outside the menu"
            assert box["x"] + box["width"] <= PHONE
            checked += 1
        page.screenshot(path=shots / f"{label}-{PHONE}-open-{i}.png", full_page=True)
    page.keyboard.press("Escape")  # closes the open group, then the menu
    page.keyboard.press("Escape")
    assert nav.is_hidden()
    return checked


@pytest.mark.parametrize("who", ["park_admin", "admin_a"])
def test_every_menu_entry_is_visible_at_each_width(live_server, live_url, page, who, request, tmp_path):
    user = request.getfixturevalue(who)
    if who == "park_admin":
        base, at_least = live_url("park.localhost"), 13
    else:
        base, at_least = live_url(factories.domain_of(request.getfixturevalue("enterprise_a"))), 10

    page.set_viewport_size({"width": DESKTOP[0], "height": HEIGHT})
    login(page, base, user.username)
    page.goto(f"{base}/identifiers/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    marked = page.locator("#mainnav a[aria-current=page]")
    assert marked.count() == 1 and marked.get_attribute("data-nav-entry") == "identifiers:list"
    assert page.locator(".nav-group.current").get_attribute("data-group") == "identifiers"
    total = page.locator("#mainnav a").count()
    assert total >= at_least

    for width in DESKTOP:
        assert check_desktop(page, width, tmp_path, who) == total
    assert check_phone(page, tmp_path, who) == total
    assert len(list(tmp_path.glob("*.png"))) >= 4


def test_dropdowns_by_keyboard(live_server, live_url, page, park_admin):
    base = live_url("park.localhost")
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    login(page, base, park_admin.username)
    toggle = page.locator(".nav-group-toggle").first
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")  # into the dropdown's first entry
    assert page.evaluate("document.activeElement.closest('.nav-dropdown') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('nav-group-toggle')")
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"


def test_html_lang_follows_the_language(live_server, live_url, page, park_admin, tmp_path):
    """<html lang> is zh-Hans in Chinese and en in English, so browsers that lay date inputs out
    by the page's language show 年/月/日 in Chinese. (Debian's headless chromium lays them out by
    its own UI locale whatever the lang, so the order itself is not asserted here.)"""
    base = live_url("park.localhost")
    login(page, base, park_admin.username)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.goto(f"{base}/identifiers/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    # the longer English labels still fit one line at 1280 px
    assert check_desktop(page, 1280, tmp_path, "park_admin-en") == page.locator("#mainnav a").count()
