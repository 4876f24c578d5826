from django.contrib import admin

from apps.buildcases.models import (
    BuildCase,
    CaseArtifact,
    CaseEvent,
    CaseItem,
    ChecklistItemDefinition,
    MonitoringSnapshot,
    StageDecision,
)


@admin.register(ChecklistItemDefinition)
class ChecklistItemDefinitionAdmin(admin.ModelAdmin):
    """The park edits its checklists here; cases copy an item when they enter its stage."""

    list_display = (
        "name",
        "stage",
        "mode",
        "completion_kind",
        "automated_step",
        "required",
        "order",
        "active",
    )
    list_filter = ("stage", "mode", "completion_kind", "required", "active")
    list_editable = ("required", "order", "active")
    search_fields = ("name", "code")
    ordering = ("stage", "mode", "order")


class CaseItemInline(admin.TabularInline):
    model = CaseItem
    extra = 0
    fields = ("stage", "name", "completion_kind", "state", "done_by", "done_at", "error")
    readonly_fields = fields
    can_delete = False


@admin.register(BuildCase)
class BuildCaseAdmin(admin.ModelAdmin):
    # Read-only: stage moves go through the case page (approval, audit, timeline).
    list_display = ("title", "mode", "enterprise", "stage", "status", "owner", "started_on")
    list_filter = ("mode", "stage", "status")
    search_fields = ("title",)
    inlines = [CaseItemInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


for model in (CaseEvent, StageDecision, CaseArtifact, MonitoringSnapshot):
    admin.site.register(model, admin.ModelAdmin)
