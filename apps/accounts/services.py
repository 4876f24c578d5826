"""Writes about accounts: sign-in events for the audit log, password changes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_write

# Users live in the public schema; their sign-in events belong to the park's log wherever the
# login page was.
_PUBLIC = "public"


def _user_entry(*, action: str, user, actor: str | None = None, actor_user_id: int | None = None) -> None:
    audit_write(
        action=action,
        object_type="accounts.User",
        object_id=user.pk,
        object_repr=user.get_username(),
        actor=actor,
        actor_user_id=actor_user_id,
        tenant_schema=_PUBLIC,
    )


def login_recorded(*, user) -> None:
    """A user signed in (portal, admin or test client login)."""
    _user_entry(action="auth.login", user=user, actor=user.get_username(), actor_user_id=user.pk)


def login_failure_recorded(*, username: str, locked: bool) -> None:
    """A sign-in was refused: wrong password, unknown user, or the account is locked (MLPS
    level 3: failed logins and lockouts are security events)."""
    username = (username or "")[:150]
    audit_write(
        action="auth.locked" if locked else "auth.login_failed",
        object_type="accounts.User",
        object_repr=username,
        actor=username or "anonymous",
        tenant_schema=_PUBLIC,
    )


def logout_recorded(*, user, idle: bool = False) -> None:
    """A user signed out, or the idle timeout ended the session (``idle``)."""
    _user_entry(
        action="auth.idle_logout" if idle else "auth.logout",
        user=user,
        actor=user.get_username(),
        actor_user_id=user.pk,
    )


@transaction.atomic
def password_changed(*, user) -> None:
    """Record that ``user``'s password was just changed (by the user or, in the admin, by a
    park administrator: the actor comes from the request context)."""
    now = timezone.now()
    get_user_model().objects.filter(pk=user.pk).update(password_changed_at=now)
    user.password_changed_at = now
    _user_entry(action="auth.password_change", user=user)


# ---------------------------------------------------------------- invitations
def _invitation_link(invitation) -> str:
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from apps.accounts.tokens import invitation_tokens

    user = invitation.user
    path = reverse(
        "accounts:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    return invitation.portal_url.rstrip("/") + path


def _mail_invitation(invitation, *, park_name: str, enterprise_name: str) -> None:
    """Mail the link after commit, in the park's language (the recipient's, not the sender's);
    a mail server that fails is logged and the park administrator can send it again."""
    import logging

    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation
    from django.utils.translation import gettext

    from apps.accounts.tokens import invitation_timeout

    link = _invitation_link(invitation)
    user = invitation.user
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "park": park_name,
            "contact": user.display_name or user.get_username(),
            "name": enterprise_name,
            "url": invitation.portal_url,
            "username": user.get_username(),
            "link": link,
            "days": max(1, invitation_timeout() // 86400),
        }
        subject = gettext("【%(park)s】请设置企业管理员密码") % params
        body = (
            gettext(
                "%(contact)s 您好：\n\n"
                "%(name)s 已入驻园区，企业门户已开通。\n"
                "企业门户：%(url)s\n"
                "企业管理员账号：%(username)s\n\n"
                "请在 %(days)s 天内打开以下链接设置您的登录密码（链接仅可使用一次）：\n"
                "%(link)s\n\n"
                "链接过期或丢失时，请联系园区管理员重新发送。\n"
            )
            % params
        )
    recipient = invitation.email

    def send():
        try:
            send_mail(subject, body, None, [recipient])
        except Exception:
            logging.getLogger(__name__).exception("invitation mail to %s failed", recipient)

    transaction.on_commit(send)


@transaction.atomic
def invitation_send(
    *, user, portal_url: str, park_name: str, enterprise=None, task_run_id: int | None = None, actor=None
):
    """Invite ``user`` (an account without a usable password) to set their own password: the
    Invitation is created or sent again (its count goes up, so earlier links stop working), the
    mail goes out after commit, and the audit log says who sent it. Refuses an account that
    already accepted or has a password of its own."""
    from django.utils.translation import gettext as _

    from apps.accounts.models import Invitation
    from apps.core.errors import ApplicationError

    invitation = Invitation.objects.select_for_update().filter(user=user).first()
    if (invitation is not None and invitation.accepted_at) or user.has_usable_password():
        raise ApplicationError(_("该账号已设置密码，无需再发送邀请"), code="invitation_accepted")
    if not user.email:
        raise ApplicationError(_("该账号没有邮箱，无法发送邀请"), code="no_email")
    if invitation is None:
        invitation = Invitation(user=user, enterprise=enterprise, task_run_id=task_run_id)
    invitation.email = user.email
    invitation.portal_url = portal_url
    invitation.send_count += 1
    invitation.sent_at = timezone.now()
    invitation.sent_by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    invitation.save()
    user.invitation = invitation  # the token signs the send count
    audit_write(
        action="auth.invitation_sent",
        object_type="accounts.User",
        object_id=user.pk,
        object_repr=user.get_username(),
        after={"email": invitation.email, "send_count": invitation.send_count},
        tenant_schema=_PUBLIC,
    )
    _mail_invitation(invitation, park_name=park_name, enterprise_name=str(enterprise or ""))
    return invitation


def invitation_resend(*, invitation, park_name: str, actor=None):
    """A park administrator sends a lost or expired invitation again (a new link; the old one
    stops working)."""
    return invitation_send(
        user=invitation.user,
        portal_url=invitation.portal_url,
        park_name=park_name,
        enterprise=invitation.enterprise,
        actor=actor,
    )


@transaction.atomic
def invitation_accept(*, user, password: str) -> None:
    """The invited account sets its password through the link (the form validated it): the
    link is used up (the token signs the password hash), the invitation is marked accepted."""
    from apps.accounts.models import Invitation

    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(accepted_at=timezone.now())
    _user_entry(
        action="auth.invitation_accepted", user=user, actor=user.get_username(), actor_user_id=user.pk
    )
