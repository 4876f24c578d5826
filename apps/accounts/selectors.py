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


def invitation_user(*, uidb64: str, token: str) -> User | None:
    """The account an invitation link names, when the link is still good (not expired, not
    used, not replaced by a newer invitation, the account active); else None."""
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    from apps.accounts.tokens import invitation_tokens

    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).select_related("invitation").first()
    if user is None or getattr(user, "invitation", None) is None or user.invitation.accepted_at:
        return None
    return user if invitation_tokens.check_token(user, token) else None


def invitation_list(*, task_run_id: int | None = None):
    """Invitations with their account and enterprise, newest first; those of one mass
    onboarding when ``task_run_id`` is given."""
    from apps.accounts.models import Invitation

    qs = Invitation.objects.select_related("user", "enterprise").order_by("-pk")
    if task_run_id is not None:
        qs = qs.filter(task_run_id=task_run_id)
    return qs


def invitation_state(invitation, *, now=None) -> str:
    """``accepted``, ``expired`` (the last link is past its lifetime) or ``sent``."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.accounts.tokens import invitation_timeout

    if invitation.accepted_at:
        return "accepted"
    now = now or timezone.now()
    if invitation.sent_at is None or invitation.sent_at + timedelta(seconds=invitation_timeout()) < now:
        return "expired"
    return "sent"
