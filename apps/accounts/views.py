from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from apps.accounts import services
from apps.accounts.forms import LoginForm


# Logins, failed logins, lockouts and logouts are audited from Django's auth signals
# (apps.accounts.signals), so the admin's login page is covered too.
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # the BID wallet's link only where the park lets administrators log in with one
        wallet = getattr(settings, "BID_WALLET_LOGIN", "off") != "off"
        return {**super().get_context_data(**kwargs), "wallet_login": wallet}


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def invitation_accept(request, uidb64: str, token: str):
    """An invited account sets its own password from the mailed link (GET the form, POST the
    password); a link that expired, was used or was replaced says so and changes nothing."""
    from django.contrib import messages
    from django.contrib.auth.forms import SetPasswordForm
    from django.shortcuts import redirect, render
    from django.utils.translation import gettext as _

    from apps.accounts.selectors import invitation_user

    user = invitation_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request, _("密码已设置，请用账号 %(username)s 登录") % {"username": user.get_username()}
        )
        return redirect(settings.LOGIN_URL_PATH)
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user})
