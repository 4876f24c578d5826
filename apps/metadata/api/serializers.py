from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from apps.core.api import answer_example
from apps.metadata.models import MetadataTemplate


class TemplateItemSerializer(serializers.Serializer):
    """One effective item of a version (inherited ones included)."""

    index = serializers.IntegerField(help_text=_lazy("Handle 索引（2000 起）"))
    code = serializers.CharField(help_text=_lazy("英文编码（values 的键）"))
    name = serializers.CharField(help_text=_lazy("中文名称"))
    item_type = serializers.CharField(help_text=_lazy("数据类型"))
    required = serializers.BooleanField()
    unique = serializers.BooleanField(required=False)
    grade = serializers.IntegerField(help_text=_lazy("数据分级：1 一般，2 重要，3 核心"))
    is_public = serializers.BooleanField(help_text=_lazy("一级且公开的值进入公共注册库，其余只存企业库"))
    state = serializers.CharField(help_text=_lazy("enabled 启用；disabled 停用（不能再填写）"))
    constraints = serializers.DictField(help_text=_lazy("约束：单位、范围、精度、长度、枚举值等"))
    help_text = serializers.CharField(required=False, allow_blank=True)
    origin_template = serializers.CharField(required=False, help_text=_lazy("定义该数据项的模板编码"))


TEMPLATE = {
    "id": 16,
    "code": "ENT-ZLJM-PRODUCT",
    "name": "智联精密 变压器产品模板",
    "level": "enterprise",
    "level_label": "企业元数据模板",
    "category": "manufacturing",
    "category_label": "生产制造",
    "parent": "PARK-MFG",
    "owner": "ZLJM",
    "description": "在园区生产制造模板上增加本企业变压器产品的技术参数。",
    "use_check_character": True,
    "industry_class": "3821",
    "version": 1,
}


@extend_schema_serializer(examples=[answer_example(_lazy("企业的变压器产品模板"), TEMPLATE)])
class TemplateSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_lazy("上级模板的编码；国家模板为 null")
    )
    owner = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    class Meta:
        model = MetadataTemplate
        fields = [
            "id",
            "code",
            "name",
            "level",
            "level_label",
            "category",
            "category_label",
            "parent",
            "owner",
            "description",
            "use_check_character",
            "industry_class",
            "version",
        ]
        read_only_fields = fields

    def get_owner(self, obj) -> str | None:
        return obj.owner.code if obj.owner_id else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_version(self, obj) -> int | None:
        version = self.context["versions"](obj)
        return version.number if version else None


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("模板及其数据项"),
            {
                **TEMPLATE,
                "items": [
                    {
                        "index": 2000,
                        "code": "name",
                        "name": "产品名称",
                        "item_type": "string",
                        "required": True,
                        "unique": False,
                        "grade": 1,
                        "is_public": True,
                        "state": "enabled",
                        "constraints": {"max_length": 60},
                        "help_text": "",
                        "origin_template": "CN-CORE",
                    },
                    {
                        "index": 2106,
                        "code": "rated_capacity",
                        "name": "额定容量",
                        "item_type": "number",
                        "required": True,
                        "unique": False,
                        "grade": 1,
                        "is_public": True,
                        "state": "enabled",
                        "constraints": {"minimum": 0, "precision": 1, "unit": "kVA"},
                        "help_text": "",
                        "origin_template": "PARK-MFG",
                    },
                ],
            },
        )
    ]
)
class TemplateDetailSerializer(TemplateSerializer):
    items = serializers.SerializerMethodField()

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(TemplateItemSerializer(many=True))
    def get_items(self, obj) -> list[dict]:
        from apps.metadata.selectors import effective_items

        items = effective_items(self.context["versions"](obj))
        items.sort(key=lambda i: (i.get("order", 0), i["index"]))
        return TemplateItemSerializer(items, many=True).data
