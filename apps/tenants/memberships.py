"""Writes for an enterprise's users and their roles: add (a new user with a one-time initial
password, or an existing user), change role, remove. Only that enterprise's administrators
and park administrators may; an enterprise always keeps at least one administrator."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.choices import EnterpriseRole
from apps.accounts.models import Membership, User
from apps.audit.services import audit_write
from apps.core.errors import ApplicationError, PermissionDenied
from apps.tenants.models import Enterprise
from apps.tenants.services import _actor_kwargs, generate_initial_password

OBJECT_TYPE = "accounts.Membership"


@dataclass
class MembershipResult:
    membership: Membership
    # The new user's initial password, to be shown once; None when an existing user was added.
    initial_password: str | None


def can_manage_members(*, actor, enterprise: Enterprise) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser or actor.is_park_admin:
        return True
    return Membership.objects.filter(
        user=actor, enterprise=enterprise, role=EnterpriseRole.ENTERPRISE_ADMIN
    ).exists()


def _assert_can_manage(actor, enterprise: Enterprise) -> None:
    if not can_manage_members(actor=actor, enterprise=enterprise):
        raise PermissionDenied(_("只有本企业管理员或园区管理员可以管理企业成员"))


def _check_role(role: str) -> None:
    if role not in EnterpriseRole.values:
        raise ApplicationError(_("角色无效"), errors={"role": [_("角色无效")]}, code="invalid_role")


def _audit(action: str, membership: Membership, actor, *, before=None, after=None) -> None:
    audit_write(
        action=action,
        object_type=OBJECT_TYPE,
        object_id=membership.pk,
        object_repr=f"{membership.user.get_username()} @ {membership.enterprise.code}",
        before=before,
        after=after,
        tenant_schema=membership.enterprise.schema_name,
        **_actor_kwargs(actor),
    )


@transaction.atomic
def membership_create(
    *,
    actor,
    enterprise: Enterprise,
    username: str,
    role: str = EnterpriseRole.ENTERPRISE_MEMBER,
    display_name: str = "",
    email: str = "",
    phone: str = "",
) -> MembershipResult:
    """Add ``username`` to the enterprise. An unknown username becomes a new user with a random
    initial password (returned once, stored only hashed); a known one is attached as it is."""
    _assert_can_manage(actor, enterprise)
    _check_role(role)
    username = (username or "").strip()
    if not username:
        raise ApplicationError(
            _("请填写用户名"), errors={"username": [_("请填写用户名")]}, code="username_required"
        )
    user = User.objects.filter(username__iexact=username).first()
    password = None
    if user is not None:
        if user.is_park_staff:
            message = _("园区工作人员的账号不能加入企业")
            raise ApplicationError(message, errors={"username": [message]}, code="park_staff")
        if Membership.objects.filter(user=user, enterprise=enterprise).exists():
            message = _("该用户已是本企业成员")
            raise ApplicationError(message, errors={"username": [message]}, code="already_member")
    else:
        password = generate_initial_password()
        user = User(
            username=username, display_name=display_name.strip(), email=email.strip(), phone=phone.strip()
        )
        user.set_password(password)
        try:
            user.full_clean()
        except ValidationError as exc:
            errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
            raise ApplicationError(next(iter(errors.values()))[0], errors=errors, code="invalid_user")
        user.save()
        audit_write(
            action="user.create",
            object_type="accounts.User",
            object_id=user.pk,
            object_repr=user.username,
            after={"username": user.username, "enterprise": enterprise.code, "role": role},
            tenant_schema=enterprise.schema_name,
            **_actor_kwargs(actor),
        )
    membership = Membership.objects.create(user=user, enterprise=enterprise, role=role)
    _audit("membership.create", membership, actor, after={"user": user.username, "role": role})
    return MembershipResult(membership=membership, initial_password=password)


def _lock_admins(enterprise: Enterprise) -> int:
    """Lock the enterprise's memberships and count its administrators (two admins demoting each
    other at once must not leave none)."""
    rows = list(
        Membership.objects.select_for_update().filter(enterprise=enterprise).values_list("role", flat=True)
    )
    return sum(1 for role in rows if role == EnterpriseRole.ENTERPRISE_ADMIN)


def _refuse_last_admin(membership: Membership, admins: int, message: str) -> None:
    if membership.role == EnterpriseRole.ENTERPRISE_ADMIN and admins <= 1:
        raise ApplicationError(message, code="last_admin")


@transaction.atomic
def membership_set_role(*, actor, membership: Membership, role: str) -> Membership:
    enterprise = membership.enterprise
    _assert_can_manage(actor, enterprise)
    _check_role(role)
    admins = _lock_admins(enterprise)
    membership = Membership.objects.select_related("user", "enterprise").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if role != EnterpriseRole.ENTERPRISE_ADMIN:
        _refuse_last_admin(membership, admins, _("企业至少要保留一名管理员，不能更改最后一名管理员的角色"))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    _audit("membership.set_role", membership, actor, before={"role": before}, after={"role": role})
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    enterprise = membership.enterprise
    _assert_can_manage(actor, enterprise)
    admins = _lock_admins(enterprise)
    membership = Membership.objects.select_related("user", "enterprise").filter(pk=membership.pk).first()
    if membership is None:
        return
    _refuse_last_admin(membership, admins, _("企业至少要保留一名管理员，不能移除最后一名管理员"))
    _audit(
        "membership.remove",
        membership,
        actor,
        before={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()


__all__ = [
    "MembershipResult",
    "can_manage_members",
    "membership_create",
    "membership_remove",
    "membership_set_role",
]
