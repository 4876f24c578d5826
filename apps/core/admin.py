"""Django admin is for park staff only, with rights by park role (not Django's model perms).

Every write made through the admin (add, change, delete, inline rows, bulk delete) is in the
audit log with the acting user and {field: [before, after]} of what changed (MLPS level 3):
the admin saves models itself, so it must audit what the services would have audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from apps.audit.services import audit_write, diff

# Never put a password, secret or its hash in the audit log; record only that it changed.
_MASK = "******"


def _masked(field_name: str) -> bool:
    name = field_name.lower()
    return name in {"password", "secret", "token"} or name.endswith(
        ("_password", "_secret", "_token", "key_hash", "secret_hash", "token_hash")
    )


def _park_staff(request) -> bool:
    user = request.user
    return bool(user.is_active and getattr(user, "is_park_staff", False))


def _park_admin(request) -> bool:
    return _park_staff(request) and request.user.is_park_admin


# Enterprise users never reach the admin, even if someone ticked is_staff by mistake. Park staff
# get in by their park role; is_staff is not needed.
admin.site.has_permission = _park_staff


def _login_form():
    from apps.accounts.forms import ParkStaffLoginForm

    return ParkStaffLoginForm


admin.site.login_form = _login_form()


def admin_snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """The audited values of ``obj``: its concrete fields (timestamps that move by themselves
    left out) and its many-to-many fields as sorted ids."""
    if obj is None:
        return None
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            continue
        values[field.name] = field.value_from_object(obj)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def _stored(obj: models.Model) -> models.Model | None:
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def admin_audit(
    request,
    action: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_id: Any = None,
) -> None:
    """One audit entry for an admin write by ``request.user``: ``admin.add``, ``admin.change``
    or ``admin.delete``. A change that changed nothing is not an event."""
    changes = diff(before, after)
    if action == "admin.change" and not changes:
        return
    for key in [key for key in changes if _masked(key)]:
        changes[key] = [_MASK if changes[key][0] else "", _MASK if changes[key][1] else ""]
    audit_write(
        action=action,
        object_type=obj._meta.label,
        object_id=obj.pk if object_id is None else object_id,
        object_repr=str(obj),
        changes=changes,
        actor=request.user.get_username(),
        actor_user_id=request.user.pk,
    )


class ParkStaffAdmin(admin.ModelAdmin):
    """Park staff may look; park administrators may change. Writes are audited."""

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

    # The admin runs save_model, save_related (which saves the inlines through save_formset)
    # and the audit in one transaction, so an entry commits with the change it records.
    def save_model(self, request, obj, form, change):
        before = admin_snapshot(_stored(obj)) if change else None
        super().save_model(request, obj, form, change)
        # Many-to-many values are saved by save_related; the entry is written there.
        request._park_admin_pending = getattr(request, "_park_admin_pending", {})
        request._park_admin_pending[id(obj)] = (change, before)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        pending = getattr(request, "_park_admin_pending", {})
        if id(obj) in pending:
            was_change, before = pending.pop(id(obj))
            action = "admin.change" if was_change else "admin.add"
            admin_audit(request, action, obj, before=before, after=admin_snapshot(obj))

    def save_formset(self, request, form, formset, change):
        pks = {id(f.instance): f.instance.pk for f in formset.initial_forms if f.instance.pk is not None}
        stored = formset.model._default_manager.filter(pk__in=pks.values())
        before = {row.pk: admin_snapshot(row) for row in stored}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            admin_audit(request, "admin.add", obj, after=admin_snapshot(obj))
        for obj, _fields in formset.changed_objects:
            admin_audit(request, "admin.change", obj, before=before.get(obj.pk), after=admin_snapshot(obj))
        for obj in formset.deleted_objects:
            pk = pks.get(id(obj))
            admin_audit(request, "admin.delete", obj, before=before.get(pk), object_id=pk)

    def delete_model(self, request, obj):
        pk, before = obj.pk, admin_snapshot(obj)
        super().delete_model(request, obj)
        admin_audit(request, "admin.delete", obj, before=before, object_id=pk)

    def delete_queryset(self, request, queryset):
        doomed = [(obj, obj.pk, admin_snapshot(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk, before in doomed:
            admin_audit(request, "admin.delete", obj, before=before, object_id=pk)


class ParkStaffInlineMixin:
    """Inlines by park role too (Django's model permissions would hide them from a park
    administrator who is not a superuser). Their rows are audited by the parent's save_formset."""

    def has_view_permission(self, request, obj=None):
        return _park_staff(request)

    def has_add_permission(self, request, obj=None):
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
