from django.contrib import admin

from apps.terminals.models import Terminal, TerminalCredential, TerminalProfile


@admin.register(TerminalProfile)
class TerminalProfileAdmin(admin.ModelAdmin):
    list_display = ["template", "heartbeat_seconds", "offline_alert_minutes", "credential_days"]


class CredentialInline(admin.TabularInline):
    """Read-only: credentials change through the services (audited, republished in the record)."""

    model = TerminalCredential
    extra = 0
    can_delete = False
    fields = ["key_index", "algorithm", "state", "not_after", "grace_until", "state_reason", "fingerprint"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):
    list_display = ["handle", "enterprise", "last_seen_at", "signature_failures"]
    search_fields = ["handle"]
    list_filter = ["enterprise"]
    readonly_fields = [f.name for f in Terminal._meta.fields]
    inlines = [CredentialInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
