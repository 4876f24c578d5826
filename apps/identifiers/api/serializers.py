from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api import TextField
from apps.identifiers.models import Identifier


class HandleValueSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    type = serializers.CharField()
    data = serializers.DictField()
    ttl = serializers.IntegerField(required=False)
    timestamp = serializers.CharField(required=False, allow_blank=True)
    grade = serializers.IntegerField(required=False, help_text=_lazy("受限值的数据分级（公开值无此字段）"))


class IdentifierSerializer(serializers.ModelSerializer):
    """An identifier with the values the caller may read (public; restricted when a member or granted)."""

    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    enterprise = serializers.SerializerMethodField()
    template = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()
    resolution_url = serializers.SerializerMethodField()

    class Meta:
        model = Identifier
        fields = [
            "id",
            "handle",
            "object_code",
            "security_code",
            "name",
            "category",
            "category_label",
            "status",
            "status_label",
            "enterprise",
            "template",
            "values",
            "resolution_url",
            "created_at",
            "updated_at",
            "withdrawn_at",
        ]
        read_only_fields = fields

    def get_enterprise(self, obj) -> dict:
        return {"code": obj.enterprise.code, "name": obj.enterprise.name}

    def get_template(self, obj) -> dict:
        tv = obj.template_version
        return {"id": tv.template_id, "code": tv.template.code, "version": tv.number}

    @extend_schema_field(HandleValueSerializer(many=True))
    def get_values(self, obj) -> list[dict]:
        request = self.context.get("request")
        if self.context.get("public_only") or request is None:
            return list(obj.values)
        from apps.identifiers.selectors import identifier_values_for

        return identifier_values_for(user=request.user, identifier=obj)

    def get_resolution_url(self, obj) -> str:
        from apps.identifiers.carriers import resolution_url

        return resolution_url(obj.handle)


class IdentifierCreateSerializer(serializers.Serializer):
    template = TextField(help_text=_lazy("模板编码或 ID"))
    object_code = TextField(required=False, allow_blank=True, help_text=_lazy("对象代码；留空自动生成"))
    values = serializers.DictField(
        child=TextField(allow_blank=True),
        help_text=_lazy(
            "{数据项英文编码: 值}；各项的要求见该模板的 JSON Schema（/api/v1/metadata/templates/{id}/schema/）"
        ),
    )


class IdentifierUpdateSerializer(serializers.Serializer):
    template = TextField(
        required=False, help_text=_lazy("模板编码或 ID；填写则升级到该模板的最新版本（只能是同一模板）")
    )
    values = serializers.DictField(
        child=TextField(allow_blank=True), help_text=_lazy("{数据项英文编码: 值}，整体替换")
    )


class IdentifierValuesSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=TextField(allow_blank=True), help_text=_lazy("{数据项英文编码: 值}，只改这些数据项")
    )


class WithdrawSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, help_text=_lazy("注销原因"))
