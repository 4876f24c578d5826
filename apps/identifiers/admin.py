"""Django admin for park staff (park domain only; enterprise users never reach it).

Identifiers are read-only here: values change only through the registration services (the
portal forms, the API), so the admin offers the one write it needs — withdraw selected —
through the same service. Restricted values are not shown (they are not in the public schema).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyAdmin, _park_admin
from apps.identifiers.models import APIClient, Identifier, IdentifierGrant, Prefix


@admin.register(Prefix)
class PrefixAdmin(ReadOnlyAdmin):
    """Read-only: a prefix is allocated when its enterprise is approved, its upstream status comes
    from the sync node, and suspension, resumption and revocation go through the prefix services
    (audited, and they stop writes) on the enterprise pages. Never deleted: its handles stay unique."""

    list_display = ["prefix", "enterprise", "status", "upstream_status", "next_sequence", "created_at"]
    list_filter = ["status", "upstream_status"]
    search_fields = ["prefix", "enterprise__name", "enterprise__code"]
    readonly_fields = [
        "prefix",
        "enterprise",
        "status",
        "upstream_status",
        "upstream_message",
        "next_sequence",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields


@admin.register(Identifier)
class IdentifierAdmin(ReadOnlyAdmin):
    list_display = ["handle", "name", "category", "enterprise", "template_version", "status", "created_at"]
    list_filter = ["status", "category", "enterprise"]
    search_fields = ["handle_ci", "name", "object_code"]
    list_select_related = ["enterprise", "template_version__template"]
    date_hierarchy = "created_at"
    actions = ["withdraw_selected"]
    readonly_fields = [
        "handle",
        "prefix",
        "suffix",
        "object_code",
        "security_code",
        "enterprise",
        "category",
        "template_version",
        "name",
        "status",
        "values",
        "registered_by",
        "withdrawn_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not _park_admin(request):
            actions.pop("withdraw_selected", None)
        return actions

    @admin.action(description=_("注销所选标识"))
    def withdraw_selected(self, request, queryset):
        from apps.core.errors import ApplicationError
        from apps.identifiers.services import identifier_withdraw

        done = 0
        for ident in queryset.select_related("enterprise"):
            try:
                identifier_withdraw(actor=None, identifier=ident, reason="admin")
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{ident.handle}: {exc.message}", messages.ERROR)
        self.message_user(request, _("已注销 %(n)s 个标识") % {"n": done})


@admin.register(IdentifierGrant)
class IdentifierGrantAdmin(ReadOnlyAdmin):
    list_display = ["grantee", "enterprise", "identifier", "template", "granted_by", "created_at"]
    list_filter = ["enterprise"]


@admin.register(APIClient)
class APIClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "enterprise", "user", "is_active", "created_at"]
    list_filter = ["is_active", "enterprise"]
