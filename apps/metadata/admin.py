from django.contrib import admin

from apps.metadata.models import (
    MetadataTemplate,
    TemplateChangeRequest,
    TemplateItem,
    TemplateNotice,
    TemplateVersion,
)


class ReadOnlyWhenPublished:
    """Published versions are immutable: the admin shows them but does not change them."""

    def _published(self, obj) -> bool:
        version = obj if isinstance(obj, TemplateVersion) else getattr(obj, "version", None)
        return bool(version and version.is_published)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._published(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # items are disabled, versions kept: nothing here is deleted


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

    # Items change through the template pages (services check the inheritance rules).
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MetadataTemplate)
class MetadataTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "category", "parent", "owner", "industry_class"]
    list_filter = ["level", "category"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "owner"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["template", "number", "status", "published_at", "published_by"]
    list_filter = ["status"]
    search_fields = ["template__code", "template__name"]
    readonly_fields = ["status", "published_at", "published_by", "effective_items", "parent_version"]
    inlines = [TemplateItemInline]


@admin.register(TemplateChangeRequest)
class TemplateChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["template", "enterprise", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in TemplateChangeRequest._meta.fields]

    def has_add_permission(self, request):
        return False  # requests come from enterprises; decisions go through the inbox (services)


@admin.register(TemplateNotice)
class TemplateNoticeAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "title", "created_at", "read_at"]
    readonly_fields = [f.name for f in TemplateNotice._meta.fields]
