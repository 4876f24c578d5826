"""Sign-in events reach the audit log once, from Django's auth signals, whichever page (the
portal's login, /admin/login/, the idle timeout) caused them."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.accounts import services


@receiver(user_logged_in, dispatch_uid="accounts.audit_login")
def _logged_in(sender, request, user, **kwargs):
    services.login_recorded(user=user)


@receiver(user_login_failed, dispatch_uid="accounts.audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    locked = getattr(request, "login_locked_until", None) is not None
    services.login_failure_recorded(username=credentials.get("username") or "", locked=locked)


@receiver(user_logged_out, dispatch_uid="accounts.audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        services.logout_recorded(user=user, idle=getattr(request, "logout_idle", False))
