"""The main menu's groups: every app's NavItem names a known group, and the current entry is the
one whose URL is the longest prefix of the path."""

from apps.core.navigation import GROUPS, all_items, menu_groups


def test_every_item_names_a_menu_group():
    keys = {key for key, _label in GROUPS}
    assert [item.url_name for item in all_items() if item.group not in keys] == []


def entry(url: str, group: str, badge: int | None = None) -> dict:
    return {"label": url, "url": url, "url_name": url, "icon": "", "group": group, "badge": badge}


def test_groups_in_order_and_the_current_entry_marked():
    menu = [
        entry("/billing/", "operations"),
        entry("/identifiers/", "identifiers"),
        entry("/identifiers/grants/", "identifiers"),
        entry("/metadata/requests/", "templates", badge=2),
    ]
    groups = menu_groups(menu, path="/identifiers/grants/7/")
    assert [group["key"] for group in groups] == ["identifiers", "templates", "operations"]
    identifiers = groups[0]
    assert identifiers["current"] and [e["current"] for e in identifiers["entries"]] == [False, True]
    assert not groups[1]["current"] and groups[1]["badge"] == 2
    assert not any(group["current"] for group in menu_groups(menu, path="/"))
