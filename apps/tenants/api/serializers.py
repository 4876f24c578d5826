from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from apps.core.api import TextField
from apps.tenants.models import Enterprise


class PrefixRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    prefix = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


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


class EnterpriseDetailSerializer(EnterpriseSerializer):
    prefixes = PrefixRefSerializer(many=True, read_only=True)

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "prefixes"]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = TextField(
        trim_whitespace=False,
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_lazy("原因"),
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


class ApplicationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
