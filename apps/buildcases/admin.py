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
from apps.core.admin import ParkStaffAdmin, ReadOnlyAdmin


@admin.register(ChecklistItemDefinition)
class ChecklistItemDefinitionAdmin(ParkStaffAdmin):
    """The park edits its checklists here (park administrators; staff may look); cases copy an
    item when they enter its stage. ParkStaffAdmin puts every change in the audit log."""

    list_display = (
        "name",
        "name_en",
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
    search_fields = ("name", "name_en", "code")
    ordering = ("stage", "mode", "order")


class CaseItemInline(admin.TabularInline):
    model = CaseItem
    extra = 0
    fields = ("stage", "name", "completion_kind", "state", "done_by", "done_at", "error")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BuildCase)
class BuildCaseAdmin(ReadOnlyAdmin):
    # Read-only: stage moves go through the case page (approval, audit, timeline).
    list_display = ("title", "mode", "enterprise", "stage", "status", "owner", "started_on")
    list_filter = ("mode", "stage", "status")
    search_fields = ("title",)
    inlines = [CaseItemInline]


# The timeline, decisions, documents and snapshots are records: written by the case's services only.
@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "kind", "stage", "actor")
    list_filter = ("kind", "stage")


@admin.register(StageDecision)
class StageDecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "case", "stage", "decision", "to_stage", "decided_by")
    list_filter = ("decision", "stage")


@admin.register(CaseArtifact)
class CaseArtifactAdmin(ReadOnlyAdmin):
    list_display = ("uploaded_at", "case", "filename", "size", "uploaded_by")


@admin.register(MonitoringSnapshot)
class MonitoringSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("taken_at", "case", "availability", "probe_ok", "sync_pending")
