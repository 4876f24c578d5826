from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone


class LockoutModelBackend(ModelBackend):
    """Username/password login that locks an account after LOGIN_MAX_FAILURES consecutive
    failures for LOGIN_LOCKOUT_MINUTES (MLPS level 3). A locked account refuses even the right
    password until the lock expires; the login form tells the user how long to wait."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        return self.authenticate_with(
            request,
            username,
            check=lambda user: user.check_password(password),
            # same cost as a real check: no user enumeration by timing
            unknown=lambda: User().set_password(password),
        )

    def authenticate_with(
        self,
        request,
        username: str,
        *,
        check: Callable[[Any], bool],
        unknown: Callable[[], Any] = lambda: None,
    ):
        """The lockout rule around one credential check: the password here, the documented
        digest of ``POST /identity/token/v1`` in apps.sync. ``unknown`` runs for a username
        that does not exist."""
        User = get_user_model()
        user = User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).first()
        if user is None:
            unknown()
            return None
        now = timezone.now()
        if user.locked_until and user.locked_until > now:
            if request is not None:
                request.login_locked_until = user.locked_until
            return None
        if check(user) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User._default_manager.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
                user.failed_login_count, user.locked_until = 0, None
            return user
        failures = user.failed_login_count + 1
        update = {"failed_login_count": F("failed_login_count") + 1}
        if failures >= settings.LOGIN_MAX_FAILURES:
            update = {
                "failed_login_count": 0,
                "locked_until": now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES),
            }
            if request is not None:
                request.login_locked_until = update["locked_until"]
        User._default_manager.filter(pk=user.pk).update(**update)
        return None
