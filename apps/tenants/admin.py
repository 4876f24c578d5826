from django.contrib import admin

from apps.core.admin import ParkStaffAdmin
from apps.tenants.models import Domain, Enterprise, Park
from apps.tenants.services import UPSTREAM_FORM_FIELDS


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(ParkStaffAdmin):
    list_display = ["name", "code", "credit_code", "status", "is_park_operator", "created_at"]
    list_filter = ["status", "is_park_operator"]
    search_fields = ["name", "short_name", "code", "credit_code"]
    # Status, schema and review go through the review pages (/tenants/), which provision and audit.
    readonly_fields = [
        "schema_name",
        "status",
        "is_park_operator",
        "approved_at",
        "reject_reason",
        # 上级节点前缀申请资料 (address and industry code included): edited on the enterprise
        # page, whose service also sends a waiting prefix application once they are complete.
        *UPSTREAM_FORM_FIELDS,
    ]
    inlines = [DomainInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Domain)
class DomainAdmin(ParkStaffAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain", "tenant__name"]


@admin.register(Park)
class ParkAdmin(ParkStaffAdmin):
    list_display = ["name", "park_code", "country_code", "node_mode", "domain"]

    def has_add_permission(self, request):
        return not Park.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
