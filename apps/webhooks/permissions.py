"""Who may manage webhooks, in one place: on the park domain the park administrators (park-wide
events); on an enterprise domain that enterprise's administrators (its own events only)."""

from __future__ import annotations

from apps.accounts.choices import EnterpriseRole, ParkRole

PARK_ROLES = (ParkRole.PARK_ADMIN,)
ENTERPRISE_ROLES = (EnterpriseRole.ENTERPRISE_ADMIN,)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_manage_park_webhooks(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.park_role in PARK_ROLES)


def can_manage_enterprise_webhooks(user, enterprise) -> bool:
    from apps.accounts.models import Membership

    if enterprise is None or not _authenticated(user):
        return False
    return Membership.objects.filter(user=user, enterprise=enterprise, role__in=ENTERPRISE_ROLES).exists()


def owner_for(user, enterprise):
    """The subscriber ``user`` manages on this domain: the park operator on the park domain
    (``enterprise`` None), the enterprise on its own domain; None when the user may not."""
    if enterprise is None:
        if not can_manage_park_webhooks(user):
            return None
        from apps.tenants.selectors import park_get

        park = park_get()
        return park.operator if park else None
    return enterprise if can_manage_enterprise_webhooks(user, enterprise) else None
