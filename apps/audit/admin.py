from django.contrib import admin

from apps.audit.models import AuditEntry
from apps.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "actor", "tenant_schema", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type", "tenant_schema"]
    search_fields = ["actor", "object_id", "object_repr", "request_id"]
    date_hierarchy = "created_at"
