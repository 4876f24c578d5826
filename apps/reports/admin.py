from django.contrib import admin

from apps.reports.models import AuditCheckpoint, FilingReport, Report, ServiceEvent


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "enterprise", "status", "pages", "created_by", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = ("summary", "task_run", "generated_at")


@admin.register(FilingReport)
class FilingReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "submitted_at")
    list_filter = ("status",)


@admin.register(ServiceEvent)
class ServiceEventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "started_at", "ended_at", "service_interrupted")
    list_filter = ("kind", "service_interrupted")


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(admin.ModelAdmin):
    """Read-only: only the verification moves it."""

    list_display = ("last_id", "verified_at", "full_verified_at", "full_ok", "full_checked", "full_bad_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
