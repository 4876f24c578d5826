from django.contrib import admin
from django.forms.models import model_to_dict
from django_tenants.utils import get_public_schema_name

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

# apps.core.admin may audit every admin write itself; until it does, the checklist admin does.
_CORE_ADMIN_AUDITS = ParkStaffAdmin.save_model is not admin.ModelAdmin.save_model

DEFINITION_FIELDS = (
    "stage",
    "mode",
    "code",
    "name",
    "description",
    "required",
    "completion_kind",
    "automated_step",
    "order",
    "active",
)


def _definition_values(obj) -> dict:
    return model_to_dict(obj, fields=DEFINITION_FIELDS)


def _audit_definition(request, action: str, obj, *, before=None, after=None) -> None:
    from apps.audit.services import audit_write

    audit_write(
        action=action,
        object_type="buildcases.ChecklistItemDefinition",
        object_id=obj.pk,
        object_repr=str(obj),
        before=before,
        after=after,
        tenant_schema=get_public_schema_name(),
        actor=request.user.get_username(),
        actor_user_id=request.user.pk,
    )


@admin.register(ChecklistItemDefinition)
class ChecklistItemDefinitionAdmin(ParkStaffAdmin):
    """The park edits its checklists here (park administrators; staff may look); cases copy an
    item when they enter its stage. Every change is in the audit log."""

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

    if not _CORE_ADMIN_AUDITS:

        def save_model(self, request, obj, form, change):
            before = None
            if change and obj.pk:
                previous = ChecklistItemDefinition.objects.filter(pk=obj.pk).first()
                before = _definition_values(previous) if previous else None
            super().save_model(request, obj, form, change)
            action = "buildcase.checklist_change" if change else "buildcase.checklist_add"
            _audit_definition(request, action, obj, before=before, after=_definition_values(obj))

        def delete_model(self, request, obj):
            before = _definition_values(obj)
            pk = obj.pk
            super().delete_model(request, obj)
            obj.pk = pk
            _audit_definition(request, "buildcase.checklist_delete", obj, before=before)

        def delete_queryset(self, request, queryset):
            for obj in queryset:
                self.delete_model(request, obj)


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
