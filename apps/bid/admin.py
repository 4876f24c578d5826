from django.contrib import admin

from apps.bid.models import Bid, BidKey, BidTemplate, WalletLogin


class BidKeyInline(admin.TabularInline):
    model = BidKey
    extra = 0
    readonly_fields = ("number", "key_type", "public_key", "created_at", "revoked_at")
    can_delete = False


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    """Read-only: BIDs change through the services (holder signatures, audit, cache drops)."""

    list_display = ("did", "subject", "enterprise", "key_type", "state", "version", "created_at")
    list_filter = ("subject", "state", "key_type")
    search_fields = ("did", "identifier__handle", "enterprise__name")
    inlines = [BidKeyInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WalletLogin)
class WalletLoginAdmin(admin.ModelAdmin):
    list_display = ("user", "did", "enterprise", "created_at")
    search_fields = ("did", "user__username")


@admin.register(BidTemplate)
class BidTemplateAdmin(admin.ModelAdmin):
    list_display = ("template", "auto_map", "use_terminal_key")
