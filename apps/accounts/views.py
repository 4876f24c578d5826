from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils import timezone

from apps.accounts.forms import LoginForm
from apps.audit.services import audit_write


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        audit_write(
            action="auth.login",
            object_type="accounts.User",
            object_id=user.pk,
            object_repr=user.get_username(),
            actor=user.get_username(),
            actor_user_id=user.pk,
            tenant_schema="public",
        )
        return response

    def form_invalid(self, form):
        # MLPS level 3: failed logins and lockouts are security events worth an audit entry.
        username = (form.data.get("username") or "")[:150]
        locked = getattr(self.request, "login_locked_until", None)
        audit_write(
            action="auth.locked" if locked else "auth.login_failed",
            object_type="accounts.User",
            object_repr=username,
            actor=username or "anonymous",
            tenant_schema="public",
        )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        get_user_model().objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
        audit_write(
            action="auth.password_change",
            object_type="accounts.User",
            object_id=user.pk,
            object_repr=user.get_username(),
            tenant_schema="public",
        )
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
