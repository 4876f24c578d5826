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
