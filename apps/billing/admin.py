"""Bills and payments in the Django admin: read-only, for the park's billing readers (admin,
finance, auditor). Issuing, crediting and recording payments go through apps.billing.services
(the pages and the API), which audit them and keep the amounts consistent."""

from django.contrib import admin

from apps.billing.models import Bill, BillLine, Payment, PaymentAllocation
from apps.billing.permissions import can_read_park_billing
from apps.core.admin import ReadOnlyAdmin


class BillingReadOnlyAdmin(ReadOnlyAdmin):
    """Only the park's billing readers see billing here, as on the pages."""

    def has_module_permission(self, request):
        return super().has_module_permission(request) and can_read_park_billing(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and can_read_park_billing(request.user)


class BillLineInline(admin.TabularInline):
    model = BillLine
    extra = 0
    can_delete = False
    fields = ("position", "kind", "quantity", "free_allowance", "billable_quantity", "unit_price", "amount")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return can_read_park_billing(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentAllocationInline(BillLineInline):
    model = PaymentAllocation
    fields = ("bill", "amount", "created_at")
    readonly_fields = fields


@admin.register(Bill)
class BillAdmin(BillingReadOnlyAdmin):
    list_display = ("number", "kind", "enterprise", "period", "status", "total", "paid_amount", "due_date")
    list_filter = ("kind", "status", "period")
    search_fields = ("number", "enterprise__name", "enterprise__code")
    list_select_related = ("enterprise",)
    date_hierarchy = "period"
    inlines = [BillLineInline]


@admin.register(Payment)
class PaymentAdmin(BillingReadOnlyAdmin):
    list_display = ("reference", "enterprise", "amount", "received_on", "recorded_by")
    search_fields = ("reference", "enterprise__name", "payer_name")
    list_select_related = ("enterprise", "recorded_by")
    date_hierarchy = "received_on"
    inlines = [PaymentAllocationInline]
