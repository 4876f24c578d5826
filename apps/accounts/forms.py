import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext as _


class LoginForm(AuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            locked_until = getattr(self.request, "login_locked_until", None)
            if locked_until is not None:
                # Whole minutes left, rounded up: 15:00 left reads 15, 14:01 reads 15, 0:30 reads 1.
                minutes = max(1, math.ceil((locked_until - timezone.now()).total_seconds() / 60))
                raise forms.ValidationError(
                    _("登录失败次数过多，账号已锁定，请 %(minutes)s 分钟后再试") % {"minutes": minutes},
                    code="locked",
                )
            raise forms.ValidationError(_("用户名或密码错误"), code="invalid_login")


class ParkStaffLoginForm(LoginForm):
    """The admin's login: park staff by park role (is_staff is not needed); anyone else gets
    the same message as a wrong password."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not getattr(user, "is_park_staff", False):
            # The password was right, so no auth signal reports this refusal.
            from apps.accounts.services import login_failure_recorded

            login_failure_recorded(username=user.get_username(), locked=False)
            raise forms.ValidationError(_("用户名或密码错误"), code="invalid_login")
