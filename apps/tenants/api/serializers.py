from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.core.api import TextField, answer_example, request_example
from apps.tenants.models import Enterprise


class PrefixRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    prefix = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


ENTERPRISE = {
    "id": 2,
    "code": "ZLJM",
    "name": "苏州智联精密机械有限公司",
    "short_name": "智联精密",
    "credit_code": "91320594MA1XKL7K3B",
    "status": "active",
    "status_display": "已开通",
    "contact_name": "周建华",
    "contact_phone": "13812340001",
    "contact_email": "zhoujh@zljm.example.cn",
    "industry_code": "C3821",
    "address": "苏州工业园区星湖街 328 号",
    "reject_reason": "",
    "approved_at": "2026-02-16T10:20:00+08:00",
    "created_at": "2026-02-15T09:30:00+08:00",
}
ENTERPRISE_DETAIL = {**ENTERPRISE, "prefixes": [{"id": 1, "prefix": "88.101.ZLJM", "status": "active"}]}


@extend_schema_serializer(examples=[answer_example(_lazy("已开通的入园企业"), ENTERPRISE)])
class EnterpriseSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "code", "name", "short_name", "credit_code", "status", "status_display", "contact_name",
            "contact_phone", "contact_email", "industry_code", "address", "reject_reason", "approved_at",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_serializer(examples=[answer_example(_lazy("企业及其前缀"), ENTERPRISE_DETAIL)])
class EnterpriseDetailSerializer(EnterpriseSerializer):
    prefixes = PrefixRefSerializer(many=True, read_only=True)

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "prefixes"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[request_example(_lazy("填写原因"), {"reason": "营业执照已过期，请上传新的营业执照后重新申请"})]
)
class ReasonSerializer(serializers.Serializer):
    reason = TextField(
        trim_whitespace=False,
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_lazy("原因"),
    )


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("批准并开通"),
            {
                "enterprise": ENTERPRISE_DETAIL,
                "created": True,
                "admin_username": "zljm_admin",
                "initial_password": "Zx8#kP2m!Qa7",
                "domain": "zljm.park.example.cn",
            },
        )
    ]
)
class ApprovalSerializer(serializers.Serializer):
    enterprise = EnterpriseDetailSerializer(read_only=True)
    created = serializers.BooleanField(
        read_only=True, help_text=_lazy("本次开通（再次批准已开通的企业为 false）")
    )
    admin_username = serializers.CharField(read_only=True, allow_null=True)
    initial_password = serializers.CharField(
        read_only=True, allow_null=True, help_text=_lazy("企业管理员的初始密码，只在本次响应中出现")
    )
    domain = serializers.CharField(read_only=True)


class ApplicationSerializer(serializers.Serializer):
    """What the public application form asks (its optional upstream-application fields too)."""

    name = TextField(trim_whitespace=False, max_length=200)
    short_name = TextField(trim_whitespace=False, max_length=50, required=False, allow_blank=True)
    credit_code = TextField(
        trim_whitespace=False, max_length=18, help_text=_lazy("统一社会信用代码（18 位，含校验位）")
    )
    code = TextField(
        trim_whitespace=False,
        max_length=20,
        help_text=_lazy("希望使用的企业代码（前缀 88.<园区代码>.<企业代码>）"),
    )
    contact_name = TextField(trim_whitespace=False, max_length=50)
    contact_phone = TextField(trim_whitespace=False, max_length=30)
    contact_email = serializers.EmailField()
    industry_code = TextField(trim_whitespace=False, max_length=10, required=False, allow_blank=True)
    address = TextField(trim_whitespace=False, max_length=200, required=False, allow_blank=True)


@extend_schema_serializer(
    examples=[answer_example(_lazy("申请已受理"), {"id": 5, "code": "ZLJM", "status": "applied"})]
)
class ApplicationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
