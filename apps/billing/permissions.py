"""Who may see and do what in billing, in one place.

Park: administrators and 财务人员 (park_finance) manage billing; the 园区审计员 reads everything and
changes nothing. Enterprise: its administrators and its 财务 members see its own billing and
request invoices; other members see nothing of it.
"""

from __future__ import annotations

from apps.accounts.choices import EnterpriseRole, ParkRole

PARK_WRITERS = (ParkRole.PARK_ADMIN, ParkRole.PARK_FINANCE)
PARK_READERS = (*PARK_WRITERS, ParkRole.PARK_AUDITOR)
ENTERPRISE_ROLES = (EnterpriseRole.ENTERPRISE_ADMIN, EnterpriseRole.ENTERPRISE_FINANCE)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_manage_billing(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.park_role in PARK_WRITERS)


def can_read_park_billing(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.park_role in PARK_READERS)


def enterprise_ids_readable_by(user) -> list[int]:
    """The enterprises whose billing ``user`` may read as their member (admin or finance)."""
    from apps.accounts.models import Membership

    if not _authenticated(user):
        return []
    return list(
        Membership.objects.filter(user=user, role__in=ENTERPRISE_ROLES).values_list(
            "enterprise_id", flat=True
        )
    )


def can_read_enterprise_billing(user, enterprise) -> bool:
    if enterprise is None or not _authenticated(user):
        return False
    if can_read_park_billing(user):
        return True
    return enterprise.pk in enterprise_ids_readable_by(user)


def can_request_invoice(user, enterprise) -> bool:
    """Only the enterprise's own administrators and finance members ask for invoices."""
    return enterprise is not None and enterprise.pk in enterprise_ids_readable_by(user)
