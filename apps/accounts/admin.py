from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import Membership, User
from apps.core.admin import ParkStaffAdmin, ParkStaffInlineMixin


class MembershipInline(ParkStaffInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["enterprise"]


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" page saves the form itself, not through save_model."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            services.password_changed(user=user)
        return user


@admin.register(User)
class UserAdmin(ParkStaffAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "email", "park_role", "is_active", "is_staff", "locked_until"]
    list_filter = ["park_role", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "email", "phone"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("园区"), {"fields": ("display_name", "phone", "park_role")}),
        (_("登录安全"), {"fields": ("failed_login_count", "locked_until", "password_changed_at")}),
    )
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
    inlines = [MembershipInline]
    change_password_form = AuditedPasswordChangeForm


@admin.register(Membership)
class MembershipAdmin(ParkStaffAdmin):
    list_display = ["user", "enterprise", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "enterprise__name", "enterprise__code"]
    autocomplete_fields = ["user", "enterprise"]
