from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.core.api import TextField, answer_example, request_example
from apps.terminals.choices import AlertKind, CredentialState, KeyAlgorithm

CREDENTIAL = {
    "id": 57,
    "key_index": 300,
    "algorithm": "sm2",
    "state": "active",
    "fingerprint": "SHA256:9f2b6c0d4e8a1f3b5c7d9e0f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b",
    "public_key": "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEq7Zf2dPz0mQyC1tJ8Zf0s4cVv1r3Yp9kLx2aWm5nBd7Hc6Ue8Rt4Oi3Pa2Sd1Fg0Hj9Kl8Zx7Cv6Bn5Mq4Wq3Ew==",
    "not_after": "2027-03-18T10:00:00+08:00",
    "grace_until": None,
    "state_reason": "",
    "generated_by_portal": False,
    "created_at": "2026-03-18T10:00:00+08:00",
}
TERMINAL = {
    "id": 8,
    "handle": "88.101.ZLJM/METER0008",
    "name": "二号车间智能电表",
    "identifier_id": 1031,
    "online": True,
    "last_seen_at": "2026-03-18T09:59:30+08:00",
    "last_status": "ok",
    "heartbeat_seconds": 60,
    "credential": CREDENTIAL,
    "alerts": [],
}
ISSUED = {"terminal_id": 8, "handle": "88.101.ZLJM/METER0008", "credential": CREDENTIAL, "private_key": None}


@extend_schema_serializer(examples=[answer_example(_("有效的 SM2 凭证"), CREDENTIAL)])
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


@extend_schema_serializer(examples=[answer_example(_("在线的智能电表"), TERMINAL)])
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


@extend_schema_serializer(
    examples=[
        answer_example(
            _("终端及其全部凭证"),
            {
                **TERMINAL,
                "credentials": [CREDENTIAL],
                "public_state": {"power_kw": {"value": "37.5", "recorded_at": "2026-03-18T09:59:30+08:00"}},
            },
        )
    ]
)
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


@extend_schema_serializer(
    examples=[
        request_example(
            _("登记电表并由门户生成 SM2 密钥"),
            {
                "template_version": 12,
                "values": {"name": "二号车间智能电表", "model": "DTZY1296", "location": "二号车间配电室"},
                "object_code": "METER0008",
                "generate": "sm2",
                "valid_days": 365,
            },
        )
    ]
)
class EnrolSerializer(KeyInputSerializer):
    template_version = serializers.IntegerField(help_text=_("终端模板的已发布版本 ID"))
    values = serializers.DictField(child=TextField(allow_blank=True, max_length=255))
    object_code = TextField(required=False, allow_blank=True, max_length=190)


@extend_schema_serializer(
    examples=[
        request_example(
            _("用终端自己的公钥轮换"),
            {
                "public_key": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE…\n-----END PUBLIC KEY-----\n",
                "valid_days": 365,
                "grace_hours": 24,
            },
        )
    ]
)
class RotateSerializer(KeyInputSerializer):
    grace_hours = serializers.IntegerField(min_value=0, max_value=2160, default=24)


@extend_schema_serializer(examples=[request_example(_("填写原因"), {"reason": "终端失窃，立即停用"})])
class ReasonSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, max_length=300)


@extend_schema_serializer(
    examples=[
        answer_example(_("用终端提交的公钥签发"), ISSUED),
        answer_example(
            _("门户生成的密钥（私钥只返回这一次）"),
            {
                **ISSUED,
                "credential": {**CREDENTIAL, "generated_by_portal": True},
                "private_key": "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg…\n-----END PRIVATE KEY-----\n",
            },
        ),
    ]
)
class IssuedSerializer(serializers.Serializer):
    terminal_id = serializers.IntegerField(source="credential.terminal_id")
    handle = serializers.CharField(source="credential.terminal.handle")
    credential = CredentialSerializer()
    private_key = serializers.CharField(
        source="private_key_pem", allow_null=True, help_text=_("门户生成的私钥（PEM），只返回这一次")
    )


@extend_schema_serializer(
    examples=[
        answer_example(
            _("一条功率读数"),
            {
                "item_code": "power_kw",
                "value": "37.5",
                "grade": 1,
                "recorded_at": "2026-03-18T09:59:30+08:00",
            },
        )
    ]
)
class ReadingSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    value = serializers.CharField()
    grade = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()


@extend_schema_serializer(
    examples=[
        answer_example(
            _("最近 24 小时的终端认证"),
            {
                "enrolled": 120,
                "online": 116,
                "online_rate": 0.967,
                "hourly": [{"hour": "03-18 09:00", "ok": 6950, "failed": 3}],
                "failures": {"签名验证失败": 3},
                "credentials": {"active": 118, "retiring": 2, "suspended": 1, "revoked": 1},
            },
        )
    ]
)
class StatisticsSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    online = serializers.IntegerField()
    online_rate = serializers.FloatField()
    hourly = serializers.ListField(child=serializers.DictField())
    failures = serializers.DictField(child=serializers.IntegerField())
    credentials = serializers.DictField(child=serializers.IntegerField())
