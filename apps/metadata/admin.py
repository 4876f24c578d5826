"""Django admin for park staff: templates are looked at here, changed through the services.

Structure (code, level, category, parent, owner), versions and items change only through the
template pages, whose services check inheritance and publish immutably; change requests are
decided in the inbox; notices are written by those decisions. The admin saves a template's
descriptive fields through ``template_update`` (audited) and nothing else.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from apps.core.admin import ParkStaffAdmin, ReadOnlyAdmin
from apps.core.errors import ApplicationError
from apps.metadata.models import (
    MetadataTemplate,
    TemplateChangeRequest,
    TemplateItem,
    TemplateNotice,
    TemplateVersion,
)
from apps.metadata.services import TEMPLATE_EDITABLE_FIELDS

# the fields template_update accepts; everything else on a template is read-only here
TEMPLATE_EDITABLE = list(TEMPLATE_EDITABLE_FIELDS)
TEMPLATE_STRUCTURE = ["code", "level", "category", "parent", "owner"]


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0
    fields = [
        "index",
        "name",
        "code",
        "item_type",
        "required",
        "unique",
        "grade",
        "is_public",
        "state",
        "constraints",
    ]
    readonly_fields = fields

    # Items change through the template pages (services check the inheritance rules).
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MetadataTemplate)
class MetadataTemplateAdmin(ParkStaffAdmin):
    list_display = ["code", "name", "level", "category", "parent", "owner", "industry_class"]
    list_filter = ["level", "category"]
    search_fields = ["code", "name"]
    fields = TEMPLATE_STRUCTURE + TEMPLATE_EDITABLE
    readonly_fields = TEMPLATE_STRUCTURE

    def has_add_permission(self, request):
        return False  # templates are created on the template pages (template_create)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from apps.metadata.services import template_update

        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in TEMPLATE_EDITABLE}
        if not fields:
            return
        template = MetadataTemplate.objects.get(pk=obj.pk)  # the service applies the changes
        try:
            template_update(template=template, **fields)
        except ApplicationError as exc:
            request._template_update_refused = True  # response_change: no "changed successfully"
            for field, errors in (exc.errors or {None: [exc.message]}).items():
                label = form.fields[field].label if field in form.fields else None
                for error in errors:
                    text = _("%(field)s：%(error)s") % {"field": label, "error": error} if label else error
                    self.message_user(request, text, messages.ERROR)

    def response_change(self, request, obj):
        if getattr(request, "_template_update_refused", False):
            return HttpResponseRedirect(request.path)  # back to the form, nothing was saved
        return super().response_change(request, obj)


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    """Versions are drafted and published on the template pages; published ones are immutable."""

    list_display = ["template", "number", "status", "published_at", "published_by"]
    list_filter = ["status"]
    search_fields = ["template__code", "template__name"]
    readonly_fields = [
        "template",
        "number",
        "status",
        "note",
        "published_at",
        "published_by",
        "effective_items",
        "parent_version",
    ]
    fields = readonly_fields
    inlines = [TemplateItemInline]


@admin.register(TemplateChangeRequest)
class TemplateChangeRequestAdmin(ReadOnlyAdmin):
    """Requests come from enterprises; decisions go through the inbox (services); kept for the record."""

    list_display = ["template", "enterprise", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in TemplateChangeRequest._meta.fields]


@admin.register(TemplateNotice)
class TemplateNoticeAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "display_title", "created_at", "read_at"]
    readonly_fields = [f.name for f in TemplateNotice._meta.fields]
