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
