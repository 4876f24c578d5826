"""The demo park: who and what ``manage.py load_demo`` creates, and ``demo_info`` prints.

The data lives in ``fixtures/demo_park.json`` so a park can change its demo without touching
code. Demo passwords are public by design (printed at ``make run``); they meet the complexity
policy so the demo behaves like production. Never load the demo into a production database.
"""

import json

from django.conf import settings

from apps.tenants.services import UPSTREAM_INFO_FIELDS

_DATA = json.loads((settings.BASE_DIR / "fixtures" / "demo_park.json").read_text(encoding="utf-8"))

PARK_NAME = _DATA["park"]["name"]
PARK_CODE = _DATA["park"]["code"]
DEMO_PASSWORD = _DATA["demo_password"]

_ENTERPRISE_FIELDS = (
    "name",
    "short_name",
    "credit_code",
    "code",
    "industry_code",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
)
# (name, short name, credit code with a valid check character, enterprise code, GB/T 4754 code,
#  address, contact name, phone, e-mail)
ENTERPRISES = [tuple(row[field] for field in _ENTERPRISE_FIELDS) for row in _DATA["enterprises"]]

# 上级节点前缀申请资料 by credit code (made up, with valid check digits; the image numbers stand
# for files uploaded to the upstream), so the demo's prefix applications go upstream complete.
UPSTREAM_INFO = {
    row["credit_code"]: {field: row[field] for field in UPSTREAM_INFO_FIELDS if row.get(field)}
    for row in _DATA["enterprises"]
}

# (username, display name, park role) — park staff
PARK_USERS = [(row["username"], row["display_name"], row["park_role"]) for row in _DATA["park_users"]]

# The first enterprise's administrator is the one approval creates (``zljm_admin``); its member:
_MEMBER = _DATA["enterprise_member"]
ENTERPRISE_MEMBER = (_MEMBER["username"], _MEMBER["display_name"], _MEMBER["enterprise_code"])


def ensure_user(username: str, display_name: str, **fields):
    """The demo user ``username`` (created with the demo password, audited as the demo) and
    whether this call created or changed it; every app's demo loader makes its users here."""
    from apps.accounts.models import User
    from apps.audit.services import audit_write

    user = User.objects.filter(username=username).first()
    if user is not None:
        if fields.get("is_staff") and not user.is_staff:
            # a demo loaded before every park role had is_staff
            User.objects.filter(pk=user.pk).update(is_staff=True)
            user.is_staff = True
            audit_write(
                action="user.update",
                object_type="accounts.User",
                object_id=user.pk,
                object_repr=username,
                changes={"is_staff": [False, True]},
                tenant_schema="public",
                actor="demo",
            )
            return user, True
        return user, False
    user = User(username=username, display_name=display_name, **fields)
    user.set_password(DEMO_PASSWORD)
    user.save()
    audit_write(
        action="user.create",
        object_type="accounts.User",
        object_id=user.pk,
        object_repr=username,
        after={"username": username, "park_role": user.park_role},
        tenant_schema="public",
        actor="demo",
    )
    return user, True
