from __future__ import annotations

from apps.accounts.choices import EnterpriseRole
from apps.accounts.models import Membership, User


def is_member(*, user: User, enterprise) -> bool:
    if not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_membership_cache", {})
    if enterprise.pk not in cache:
        cache[enterprise.pk] = (
            Membership.objects.filter(user=user, enterprise=enterprise).values_list("role", flat=True).first()
        )
    return cache[enterprise.pk] is not None


def is_enterprise_admin(*, user: User, enterprise) -> bool:
    if not is_member(user=user, enterprise=enterprise):
        return False
    return user.__dict__["_membership_cache"][enterprise.pk] == EnterpriseRole.ENTERPRISE_ADMIN
