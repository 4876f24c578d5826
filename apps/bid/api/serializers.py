from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.bid.choices import BidKeyType, BidOperation, BidState, BidSubject
from apps.core.api import TextField


class BidKeySerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=_("文档中的 #key-N"))
    key_type = serializers.ChoiceField(choices=BidKeyType.choices)
    public_key = serializers.CharField(help_text=_("BIF 编码公钥（十六进制，b07a66…/b06566…）"))
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True, help_text=_("轮换作废的时间；有效密钥为 null"))


class BidSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    did = serializers.CharField(help_text=_("BID（did:bid:…）"))
    subject = serializers.ChoiceField(choices=BidSubject.choices)
    state = serializers.ChoiceField(choices=BidState.choices)
    key_type = serializers.ChoiceField(choices=BidKeyType.choices)
    ac_code = serializers.CharField(help_text=_("子链 AC 号；主链 BID 为空"))
    version = serializers.IntegerField(help_text=_("文档版本：每次变更加一，持有者签名时使用"))
    handle = serializers.CharField(allow_null=True, help_text=_("映射的 Handle 标识；企业 BID 为 null"))
    created_at = serializers.DateTimeField()
    deactivated_at = serializers.DateTimeField(allow_null=True)


class BidDetailSerializer(BidSerializer):
    keys = BidKeySerializer(many=True)
    document = serializers.DictField(help_text=_("BID 文档（RFC-005 / W3C DID Core）"))


class BidMapSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(
        choices=[
            (BidSubject.ENTERPRISE, BidSubject.ENTERPRISE.label),
            (BidSubject.IDENTIFIER, BidSubject.IDENTIFIER.label),
        ]
    )
    handle = TextField(required=False, max_length=255, help_text=_("subject 为 identifier 时：本企业的标识"))
    public_key = TextField(
        required=False, allow_blank=True, max_length=4000,
        help_text=_("持有者公钥：BIF 编码十六进制、PEM 或原始十六进制；不传则由门户生成（generate）"),
    )  # fmt: skip
    generate = serializers.ChoiceField(
        choices=BidKeyType.choices,
        required=False,
        help_text=_("由门户生成的密钥类型（私钥只在本次响应中返回）"),
    )
    use_terminal_key = serializers.BooleanField(
        required=False, default=False, help_text=_("使用终端的有效凭证公钥")
    )


class BidIssuedSerializer(serializers.Serializer):
    bid = BidDetailSerializer()
    private_key = serializers.CharField(
        allow_null=True, help_text=_("门户生成的私钥（BIF 编码 pri…），只返回这一次，门户不保存")
    )


class BidBatchSerializer(serializers.Serializer):
    handles = serializers.ListField(child=TextField(max_length=255), min_length=1, max_length=500)
    generate = serializers.ChoiceField(choices=BidKeyType.choices, required=False, default=BidKeyType.SM2)


class BidBatchIssuedSerializer(serializers.Serializer):
    issued = BidIssuedSerializer(many=True)


class BidServiceSerializer(serializers.Serializer):
    id = TextField(max_length=40, help_text=_("服务片段名，如 #telemetry"))
    type = TextField(max_length=64)
    serviceEndpoint = TextField(max_length=500)  # noqa: N815 - the DID Core member's name


class BidUpdateSerializer(serializers.Serializer):
    services = BidServiceSerializer(many=True, help_text=_("持有者声明的全部服务（替换原有的）"))
    signature = TextField(
        max_length=300, allow_blank=True, help_text=_("持有者当前密钥对签名载荷的签名（十六进制）")
    )


class BidRotateSerializer(serializers.Serializer):
    public_key = TextField(required=False, allow_blank=True, max_length=4000)
    generate = serializers.ChoiceField(choices=BidKeyType.choices, required=False)
    signature = TextField(max_length=300, allow_blank=True)


class BidDeactivateSerializer(serializers.Serializer):
    reason = TextField(max_length=300)
    signature = TextField(max_length=300, allow_blank=True)


class BidPrepareSerializer(serializers.Serializer):
    operation = serializers.ChoiceField(choices=BidOperation.choices)
    services = BidServiceSerializer(many=True, required=False)
    public_key = TextField(required=False, allow_blank=True, max_length=4000)
    generate = serializers.ChoiceField(choices=BidKeyType.choices, required=False)
    reason = TextField(required=False, allow_blank=True, max_length=300)


class BidPreparedSerializer(serializers.Serializer):
    operation = serializers.ChoiceField(choices=BidOperation.choices)
    version = serializers.IntegerField(help_text=_("变更后的文档版本"))
    payload = serializers.CharField(help_text=_("待签名的规范 JSON（UTF-8）"))
    payload_hex = serializers.CharField(help_text=_("同一载荷的十六进制"))


class BidChallengeSerializer(serializers.Serializer):
    bid = TextField(max_length=64)


class BidChallengeAnswerSerializer(serializers.Serializer):
    bid = serializers.CharField()
    randomCode = serializers.CharField(help_text=_("随机码（十六进制），一次有效"))  # noqa: N815
    expiresIn = serializers.IntegerField(help_text=_("有效秒数"))  # noqa: N815
    expiresAt = serializers.DateTimeField()  # noqa: N815


class BidVerifySerializer(serializers.Serializer):
    publicKey = TextField(max_length=4000, help_text=_("钱包 signAuth 返回的公钥（BIF 编码）"))  # noqa: N815
    signData = TextField(max_length=300, help_text=_("对随机码字节的签名（十六进制）"))  # noqa: N815
    bid = TextField(max_length=64)
    randomCode = TextField(max_length=64)  # noqa: N815


class BidVerifiedSerializer(serializers.Serializer):
    bid = serializers.CharField()
    verified = serializers.BooleanField()
    key = serializers.CharField(help_text=_("验证所用密钥在文档中的 id"))
    subject = serializers.ChoiceField(choices=BidSubject.choices)


class BidEnterpriseCountSerializer(serializers.Serializer):
    enterprise_name = serializers.CharField(source="enterprise__name")
    enterprise_code = serializers.CharField(source="enterprise__code")
    total = serializers.IntegerField()
    enterprise_bids = serializers.IntegerField()
    objects = serializers.IntegerField()
    active = serializers.IntegerField()


class BidSubjectCountSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=BidSubject.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class BidKeyTypeCountSerializer(serializers.Serializer):
    key_type = serializers.ChoiceField(choices=BidKeyType.choices)
    count = serializers.IntegerField()


class BidOverviewSerializer(serializers.Serializer):
    ac_code = serializers.CharField()
    park_bid = serializers.CharField()
    park_document = serializers.DictField()
    total = serializers.IntegerField()
    active = serializers.IntegerField()
    deactivated = serializers.IntegerField()
    by_enterprise = BidEnterpriseCountSerializer(many=True)
    by_subject = BidSubjectCountSerializer(many=True)
    by_key_type = BidKeyTypeCountSerializer(many=True)


class BidTemplateSettingSerializer(serializers.Serializer):
    """Whether a template's identifiers get a BID when they are registered (read: the setting
    in force, its own or the nearest ancestor's)."""

    template = serializers.IntegerField(read_only=True, help_text=_("模板 ID"))
    auto_map = serializers.BooleanField(help_text=_("登记时映射 BID"))
    use_terminal_key = serializers.BooleanField(default=False, help_text=_("使用终端凭证的公钥"))
    inherited_from = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("设置继承自的上级模板 ID；为空表示本模板自己的设置")
    )
