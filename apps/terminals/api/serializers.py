from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api import TextField
from apps.terminals.choices import AlertKind, CredentialState, KeyAlgorithm


class CredentialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key_index = serializers.IntegerField(help_text=_("记录中 HS_PUBKEY 值的索引"))
    algorithm = serializers.ChoiceField(choices=KeyAlgorithm.choices)
    state = serializers.ChoiceField(choices=CredentialState.choices)
    fingerprint = serializers.CharField()
    public_key = serializers.CharField(help_text=_("SubjectPublicKeyInfo（DER，Base64）"))
    not_after = serializers.DateTimeField(allow_null=True)
    grace_until = serializers.DateTimeField(allow_null=True)
    state_reason = serializers.CharField()
    generated_by_portal = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class TerminalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="terminal.pk")
    handle = serializers.CharField(source="terminal.handle")
    name = serializers.CharField(source="terminal.identifier.name")
    identifier_id = serializers.IntegerField(source="terminal.identifier_id")
    online = serializers.BooleanField()
    last_seen_at = serializers.DateTimeField(source="terminal.last_seen_at", allow_null=True)
    last_status = serializers.CharField(source="terminal.last_status")
    heartbeat_seconds = serializers.IntegerField(source="profile.heartbeat_seconds")
    credential = CredentialSerializer(allow_null=True)
    alerts = serializers.ListField(child=serializers.ChoiceField(choices=AlertKind.choices))


class TerminalDetailSerializer(TerminalSerializer):
    credentials = CredentialSerializer(many=True)
    public_state = serializers.DictField(source="terminal.public_state", child=serializers.DictField())


class KeyInputSerializer(serializers.Serializer):
    public_key = TextField(
        required=False, allow_blank=True, max_length=4000,
        help_text=_("PEM 公钥、SM2 十六进制公钥或 PEM CSR；不传则须指定 generate"),
    )  # fmt: skip
    generate = serializers.ChoiceField(
        choices=KeyAlgorithm.choices, required=False, help_text=_("由门户生成密钥（私钥只在本次响应中返回）")
    )
    valid_days = serializers.IntegerField(required=False, min_value=1, max_value=3650)


class EnrolSerializer(KeyInputSerializer):
    template_version = serializers.IntegerField(help_text=_("终端模板的已发布版本 ID"))
    values = serializers.DictField(child=TextField(allow_blank=True, max_length=255))
    object_code = TextField(required=False, allow_blank=True, max_length=190)


class RotateSerializer(KeyInputSerializer):
    grace_hours = serializers.IntegerField(min_value=0, max_value=2160, default=24)


class ReasonSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, max_length=300)


class IssuedSerializer(serializers.Serializer):
    terminal_id = serializers.IntegerField(source="credential.terminal_id")
    handle = serializers.CharField(source="credential.terminal.handle")
    credential = CredentialSerializer()
    private_key = serializers.CharField(
        source="private_key_pem", allow_null=True, help_text=_("门户生成的私钥（PEM），只返回这一次")
    )


class ReadingSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    value = serializers.CharField()
    grade = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()


class StatisticsSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    online = serializers.IntegerField()
    online_rate = serializers.FloatField()
    hourly = serializers.ListField(child=serializers.DictField())
    failures = serializers.DictField(child=serializers.IntegerField())
    credentials = serializers.DictField(child=serializers.IntegerField())
