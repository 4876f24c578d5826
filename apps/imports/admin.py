from django.contrib import admin

from apps.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "template_version",
        "state",
        "total_rows",
        "create_count",
        "update_count",
        "error_count",
        "created_at",
    ]
    list_filter = ["state", "file_format"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
