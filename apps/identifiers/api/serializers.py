from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from apps.core.api import TextField, answer_example, request_example
from apps.identifiers.models import Identifier


class HandleValueSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    type = serializers.CharField()
    data = serializers.DictField()
    ttl = serializers.IntegerField(required=False)
    timestamp = serializers.CharField(required=False, allow_blank=True)
    grade = serializers.IntegerField(required=False, help_text=_lazy("受限值的数据分级（公开值无此字段）"))


TRANSFORMER_VALUES = {
    "name": "SCB11-630/10 干式变压器",
    "model": "SCB11-630/10",
    "batch_no": "B20260301",
    "produced_on": "2026-03-01",
    "qc_result": "合格",
    "rated_capacity": "630",
    "production_line": "总装二线",
    "process_params": "绕组温升≤100K",
}
IDENTIFIER = {
    "id": 1024,
    "handle": "88.101.ZLJM/TRF2026030001",
    "object_code": "TRF2026030001",
    "security_code": "",
    "name": "SCB11-630/10 干式变压器",
    "category": "manufacturing",
    "category_label": "生产制造",
    "status": "active",
    "status_label": "有效",
    "enterprise": {"code": "ZLJM", "name": "苏州智联精密机械有限公司"},
    "template": {"id": 4, "code": "PARK-MFG", "version": 2},
    "values": [
        {
            "index": 1000,
            "type": "TEMPLATE_ID",
            "data": {"format": "string", "value": "PARK-MFG"},
            "ttl": 86400,
            "timestamp": "2026-03-18T02:00:00+00:00",
        },
        {
            "index": 2000,
            "type": "name",
            "data": {"format": "string", "value": "SCB11-630/10 干式变压器"},
            "ttl": 86400,
            "timestamp": "2026-03-18T02:00:00+00:00",
        },
        {
            "index": 2106,
            "type": "rated_capacity",
            "data": {"format": "string", "value": "630"},
            "ttl": 86400,
            "timestamp": "2026-03-18T02:00:00+00:00",
        },
        {
            "index": 2107,
            "type": "process_params",
            "data": {"format": "string", "value": "绕组温升≤100K"},
            "ttl": 86400,
            "timestamp": "2026-03-18T02:00:00+00:00",
            "grade": 3,
        },
    ],
    "resolution_url": "https://park.example.cn/88.101.ZLJM/TRF2026030001",
    "created_at": "2026-03-18T10:00:00+08:00",
    "updated_at": "2026-03-18T10:00:00+08:00",
    "withdrawn_at": None,
}


@extend_schema_serializer(examples=[answer_example(_lazy("一台已登记的干式变压器"), IDENTIFIER)])
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


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("按园区生产制造模板登记"),
            {"template": "PARK-MFG", "object_code": "TRF2026030001", "values": TRANSFORMER_VALUES},
        )
    ]
)
class IdentifierCreateSerializer(serializers.Serializer):
    template = TextField(help_text=_lazy("模板编码或 ID"))
    object_code = TextField(required=False, allow_blank=True, help_text=_lazy("对象代码；留空自动生成"))
    values = serializers.DictField(
        child=TextField(allow_blank=True),
        help_text=_lazy(
            "{数据项英文编码: 值}；各项的要求见该模板的 JSON Schema（/api/v1/metadata/templates/{id}/schema/）"
        ),
    )


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("整体替换数据项的值"),
            {"template": "PARK-MFG", "values": {**TRANSFORMER_VALUES, "qc_result": "复检合格"}},
        )
    ]
)
class IdentifierUpdateSerializer(serializers.Serializer):
    template = TextField(
        required=False, help_text=_lazy("模板编码或 ID；填写则升级到该模板的最新版本（只能是同一模板）")
    )
    values = serializers.DictField(
        child=TextField(allow_blank=True), help_text=_lazy("{数据项英文编码: 值}，整体替换")
    )


@extend_schema_serializer(
    examples=[request_example(_lazy("只改质检结果"), {"values": {"qc_result": "复检合格"}})]
)
class IdentifierValuesSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=TextField(allow_blank=True), help_text=_lazy("{数据项英文编码: 值}，只改这些数据项")
    )


@extend_schema_serializer(examples=[request_example(_lazy("设备报废"), {"reason": "设备已报废，停止使用"})])
class WithdrawSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, help_text=_lazy("注销原因"))
