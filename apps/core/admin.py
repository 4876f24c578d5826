"""Django admin is for park staff only, with rights by park role (not Django's model perms)."""

from django.contrib import admin


def _park_staff(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "is_park_staff", False))


def _park_admin(request) -> bool:
    return _park_staff(request) and request.user.is_park_admin


# Enterprise users never reach the admin, even if someone ticked is_staff by mistake.
admin.site.has_permission = _park_staff


class ParkStaffAdmin(admin.ModelAdmin):
    """Park staff may look; park administrators may change."""

    def has_module_permission(self, request):
        return _park_staff(request)

    def has_view_permission(self, request, obj=None):
        return _park_staff(request)

    def has_add_permission(self, request):
        return _park_admin(request)

    def has_change_permission(self, request, obj=None):
        return _park_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _park_admin(request)


class ReadOnlyAdmin(ParkStaffAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
