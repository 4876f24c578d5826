"""Registry reads, with who-may-see-what in one place.

Public values (一级, public) are public: the resolver serves them to anyone. Restricted values
are read from the owning enterprise's schema and shown to its members, to the park operator's
staff for operator identifiers, and to users the enterprise administrator granted access
(django-guardian permission ``view_restricted_values`` on the identifier, or on its template
together with that enterprise's grant record).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.core.errors import NotFound
from apps.core.forms import parse_date_text
from apps.identifiers.models import Identifier, IdentifierGrant

PERM_IDENTIFIER = "identifiers.view_restricted_values"
PERM_TEMPLATE = "metadata.view_restricted_values"


def _base() -> QuerySet[Identifier]:
    return Identifier.objects.select_related("template_version__template", "enterprise", "prefix")


def identifier_list(*, user, enterprise=None, filters: dict[str, Any] | None = None) -> QuerySet[Identifier]:
    """Identifiers of ``enterprise`` (enterprise portal, API on an enterprise domain) or of the
    whole park (``enterprise=None``: park portal, park API). Filters: q (handle, code or name),
    code, category, template (id or code), status, date_from, date_to, enterprise (id)."""
    qs = _base()
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    f = filters or {}
    if f.get("q"):
        q = str(f["q"]).strip()
        qs = qs.filter(Q(handle_ci__contains=q.lower()) | Q(name__icontains=q) | Q(object_code__icontains=q))
    if f.get("code"):
        qs = qs.filter(object_code__icontains=str(f["code"]).strip())
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    if f.get("template"):
        t = str(f["template"])
        qs = (
            qs.filter(template_version__template_id=int(t))
            if t.isdigit()
            else qs.filter(template_version__template__code__iexact=t)
        )
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("enterprise") and enterprise is None:
        qs = qs.filter(enterprise_id=f["enterprise"])
    for key, lookup in (("date_from", "created_at__date__gte"), ("date_to", "created_at__date__lte")):
        value = f.get(key)
        if value:
            if isinstance(value, str):
                value = parse_date_text(value)  # 2026-03-18, 2026/3/18, 2026年3月18日
                if value is None:
                    continue
            qs = qs.filter(**{lookup: value})
    return qs.order_by("-created_at", "-id")


def identifiers_readable_by(qs: QuerySet[Identifier], *, user) -> QuerySet[Identifier]:
    """Outside park staff: identifiers of the user's enterprises, and those another enterprise
    granted the user (one identifier, or its identifiers of one template). Granted ones are
    read-only; their restricted values follow the grant (``can_view_restricted``)."""
    from django.db.models import Exists, OuterRef

    from apps.accounts.models import Membership

    grants = IdentifierGrant.objects.filter(grantee=user)
    return qs.filter(
        Exists(Membership.objects.filter(user=user, enterprise_id=OuterRef("enterprise_id")))
        | Exists(grants.filter(identifier_id=OuterRef("pk")))
        | Exists(
            grants.filter(
                identifier__isnull=True,
                template_id=OuterRef("template_version__template_id"),
                enterprise_id=OuterRef("enterprise_id"),
            )
        )
    )


def identifier_get(*, pk: int | None = None, handle: str | None = None, enterprise=None) -> Identifier:
    """One identifier; with ``enterprise``, only that enterprise's (cross-tenant → NotFound)."""
    qs = _base()
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if pk is not None:
        obj = qs.filter(pk=pk).first()
    elif handle is not None:
        obj = qs.filter(handle_ci=handle.lower()).first()
        if obj is not None and obj.handle.split("/", 1)[1] != handle.split("/", 1)[-1]:
            obj = None  # suffixes are case-sensitive
    else:
        obj = None
    if obj is None:
        raise NotFound(_("标识不存在"))
    return obj


def is_owner_side(user, identifier: Identifier) -> bool:
    """A member of the owning enterprise (or, for operator identifiers, park staff)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    enterprise = identifier.enterprise
    if enterprise.is_park_operator and user.park_role in ("park_admin", "park_operator"):
        return True
    from apps.accounts.selectors import is_member

    return is_member(user=user, enterprise=enterprise)


def can_view_restricted(*, user, identifier: Identifier) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_owner_side(user, identifier):
        return True
    if user.has_perm(PERM_IDENTIFIER, identifier):
        return True
    template = identifier.template_version.template
    # A template grant is given by one enterprise and covers only that enterprise's identifiers.
    return (
        user.has_perm(PERM_TEMPLATE, template)
        and IdentifierGrant.objects.filter(
            grantee=user, template=template, enterprise_id=identifier.enterprise_id
        ).exists()
    )


def restricted_values(identifier: Identifier) -> list[dict]:
    from apps.enterprise_data.services import restricted_values_get

    return restricted_values_get(enterprise=identifier.enterprise, identifier_id=identifier.pk)


def identifier_values_for(*, user, identifier: Identifier) -> list[dict]:
    """The Handle-form values ``user`` may read: public, plus restricted when a member or granted."""
    values = list(identifier.values or [])
    if can_view_restricted(user=user, identifier=identifier):
        values += restricted_values(identifier)
    values.sort(key=lambda v: int(v.get("index", 0)))
    return values


def values_by_grade(*, user, identifier: Identifier) -> dict[str, Any]:
    """For the detail page: items with name, value, grade and public flag, grouped by grade."""
    from apps.metadata.choices import GRADE_GBT43697, Grade
    from apps.metadata.selectors import effective_items

    items = {item["code"]: item for item in effective_items(identifier.template_version)}
    allowed = can_view_restricted(user=user, identifier=identifier)
    values = identifier_values_for(user=user, identifier=identifier)
    by_code = {str(v.get("type")): v for v in values if int(v.get("index", 0)) >= 2000}
    groups: dict[int, list[dict]] = {1: [], 2: [], 3: []}
    for code, item in sorted(items.items(), key=lambda kv: (kv[1].get("order", 0), kv[1]["index"])):
        grade = int(item.get("grade") or 1)
        public = grade == 1 and item.get("is_public", True)
        entry = by_code.get(code)
        if entry is None and (public or allowed):
            if item.get("state") == "disabled":
                continue
        groups.setdefault(grade, []).append(
            {
                "code": code,
                "name": item["name"],
                "index": item["index"],
                "unit": (item.get("constraints") or {}).get("unit", ""),
                "item_type": item.get("item_type"),
                "value": (entry or {}).get("data", {}).get("value", "") if entry else "",
                "public": public,
                "hidden": not public and not allowed,
            }
        )
    return {
        "allowed": allowed,
        "groups": [
            {"grade": g, "label": Grade(g).label, "gbt": GRADE_GBT43697[Grade(g)], "items": groups[g]}
            for g in sorted(groups)
            if groups[g]
        ],
        "other": [v for v in values if int(v.get("index", 0)) < 2000],
    }


def grants_of(*, enterprise) -> QuerySet[IdentifierGrant]:
    return IdentifierGrant.objects.filter(enterprise=enterprise).select_related(
        "grantee", "identifier", "template"
    )


def _action_labels() -> dict[str, str]:
    return {
        "identifier.register": _("登记"),
        "identifier.update": _("修改"),
        "identifier.withdraw": _("注销"),
    }


def _history_value(value: Any, *, names: dict[str, str] | None = None) -> str:
    from apps.identifiers.choices import IdentifierStatus

    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return "、".join(_history_value(v, names=names) for v in value)
    if names is not None:
        return names.get(str(value), str(value))
    if value in IdentifierStatus.values:
        return str(IdentifierStatus(value).label)
    return str(value)


def change_history(identifier: Identifier, limit: int = 50) -> list[dict[str, Any]]:
    """The detail page's change records, readable: the action's label, and each change named by
    the item's Chinese name (restricted items by name only, as the audit entry holds them)."""
    from apps.audit.models import AuditEntry
    from apps.metadata.selectors import effective_items

    names = {item["code"]: item["name"] for item in effective_items(identifier.template_version)}
    fields = {"status": _("状态"), "reason": _("注销原因")}
    actions = _action_labels()
    entries = AuditEntry.objects.filter(
        object_type="identifiers.Identifier", object_id=str(identifier.pk)
    ).order_by("-id")[:limit]
    out = []
    for entry in entries:
        changes = []
        for key, change in (entry.changes or {}).items():
            before, after = (list(change) + [None, None])[:2] if isinstance(change, list) else (None, change)
            if key == "restricted_items":
                label = _("受限数据项（值不记入日志）")
                before, after = _history_value(before, names=names), _history_value(after, names=names)
            elif key.startswith("values."):
                code = key.removeprefix("values.")
                label = names.get(code, code)
                before, after = _history_value(before), _history_value(after)
            else:
                label = fields.get(key, key)
                before, after = _history_value(before), _history_value(after)
            changes.append({"label": label, "before": before, "after": after})
        out.append(
            {
                "created_at": entry.created_at,
                "action": entry.action,
                "action_label": actions.get(entry.action, entry.action),
                "actor": entry.actor,
                "changes": changes,
            }
        )
    return out


# ---------------------------------------------------------------- prefixes
def prefix_list(*, enterprise=None) -> QuerySet:
    """Prefixes with their enterprise: one enterprise's (its domain) or all (the park's staff)."""
    from apps.identifiers.models import Prefix

    prefixes = Prefix.objects.select_related("enterprise").order_by("prefix")
    return prefixes.filter(enterprise=enterprise) if enterprise is not None else prefixes


def prefix_status_reasons(prefix_ids: list[int]) -> dict[int, str]:
    """The reason given with each prefix's latest state change (suspend, revoke), from the audit
    log where the prefix services record it; '' when the latest change gave none."""
    from apps.audit.models import AuditEntry

    reasons: dict[int, str] = {}
    entries = (
        AuditEntry.objects.filter(
            object_type="identifiers.Prefix",
            object_id__in=[str(pk) for pk in prefix_ids],
            action__in=["prefix.suspend", "prefix.resume", "prefix.revoke"],
        )
        .order_by("object_id", "-id")
        .distinct("object_id")
        .values_list("object_id", "changes")
    )
    for object_id, changes in entries:
        reason = (changes or {}).get("reason") or [None, ""]
        reasons[int(object_id)] = reason[1] or ""
    return reasons
