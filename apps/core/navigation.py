"""Navigation by role, assembled from each app's ``navigation.py`` (a list ``ITEMS``).

A NavItem says where it shows (park domain, enterprise domain), who sees it and which menu
group holds it, so adding a page to the menu never means editing the base template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

PARK = "park"
ENTERPRISE = "enterprise"

# Who may see an item: park roles, "enterprise_admin", "enterprise_member", "authenticated", "anonymous".
ANYONE = ("anonymous", "authenticated")
PARK_STAFF = ("park_admin", "park_operator", "park_auditor")
ENTERPRISE_USERS = ("enterprise_admin", "enterprise_member")

# The top menu's dropdowns, in this order; an item names its group by key.
IDENTIFIERS = "identifiers"
TEMPLATES = "templates"
ENTERPRISES = "enterprises"
OPERATIONS = "operations"
SYSTEM = "system"
GROUPS = (
    (IDENTIFIERS, pgettext_lazy("menu", "标识")),
    (TEMPLATES, pgettext_lazy("menu", "模板")),
    (ENTERPRISES, pgettext_lazy("menu", "企业")),
    (OPERATIONS, pgettext_lazy("menu", "运营")),
    (SYSTEM, pgettext_lazy("menu", "系统")),
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    domains: tuple[str, ...] = (PARK,)
    roles: tuple[str, ...] = PARK_STAFF
    order: int = 100
    group: str = OPERATIONS
    icon: str = ""
    children: tuple = field(default_factory=tuple)
    # badge(user=..., enterprise=...) -> int: a count shown beside the entry (e.g. unread notices)
    badge: Callable[..., int] | None = None


_ITEMS: list[NavItem] | None = None


def all_items() -> list[NavItem]:
    global _ITEMS
    if _ITEMS is None:
        from park_portal.urls_common import PORTAL_APPS

        items: list[NavItem] = []
        for app in PORTAL_APPS:
            try:
                module = import_module(f"apps.{app}.navigation")
            except ModuleNotFoundError as exc:
                if not exc.name or not f"apps.{app}.navigation".startswith(exc.name):
                    raise
                continue
            items.extend(getattr(module, "ITEMS", []))
        _ITEMS = sorted(items, key=lambda item: item.order)
    return _ITEMS


def roles_of(user, *, enterprise=None) -> set[str]:
    if not user.is_authenticated:
        return {"anonymous"}
    roles = {"authenticated"}
    if user.is_superuser:
        roles |= set(PARK_STAFF)
    if user.park_role:
        roles.add(user.park_role)
    if enterprise is not None:
        from apps.accounts.models import Membership

        role = (
            Membership.objects.filter(user=user, enterprise=enterprise).values_list("role", flat=True).first()
        )
        if role:
            roles.add(role)
    return roles


def menu_for(user, *, domain: str, enterprise=None) -> list[dict]:
    roles = roles_of(user, enterprise=enterprise)
    menu = []
    for item in all_items():
        if domain not in item.domains or not roles.intersection(item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {
            "label": item.label,
            "url": url,
            "icon": item.icon,
            "url_name": item.url_name,
            "group": item.group,
        }
        if item.badge is not None:
            entry["badge"] = item.badge(user=user, enterprise=enterprise)
        menu.append(entry)
    return menu


def menu_groups(menu: list[dict], *, path: str) -> list[dict]:
    """The menu's entries in GROUPS order, empty groups left out. The current entry is the one
    whose URL is the longest prefix of ``path`` (a bill's page marks 计费), and its group too."""
    current = max(
        (entry for entry in menu if entry["url"] != "/" and path.startswith(entry["url"])),
        key=lambda entry: len(entry["url"]),
        default=None,
    )
    groups = []
    for key, label in GROUPS:
        entries = [dict(entry, current=entry is current) for entry in menu if entry["group"] == key]
        if entries:
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "entries": entries,
                    "current": any(entry["current"] for entry in entries),
                    "badge": sum(entry.get("badge") or 0 for entry in entries),
                }
            )
    return groups
