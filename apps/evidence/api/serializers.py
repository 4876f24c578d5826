from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api import TextField
from apps.evidence.choices import EvidenceKind, InclusionState


class SthSerializer(serializers.Serializer):
    tree_size = serializers.IntegerField()
    timestamp = serializers.IntegerField(help_text=_("签名时间（Unix 毫秒）"))
    root_hash = serializers.CharField(help_text=_("根哈希（Base64）"))
    signature = serializers.CharField(help_text=_("园区日志密钥的 SM2 签名（DER，Base64）"))


class LatestSthSerializer(SthSerializer):
    origin = serializers.CharField()
    hash_algorithm = serializers.CharField()
    cosignatures = serializers.ListField(child=serializers.DictField(), help_text=_("见证签名"))


class ConsistencySerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    consistency = serializers.ListField(
        child=serializers.CharField(), help_text=_("一致性证明（Base64 哈希，RFC 9162 2.1.4）")
    )


class ProofByHashSerializer(serializers.Serializer):
    leaf_index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    inclusion = serializers.ListField(
        child=serializers.CharField(), help_text=_("包含证明（Base64 哈希，RFC 9162 2.1.3）")
    )


class EntrySerializer(serializers.Serializer):
    leaf_index = serializers.IntegerField()
    leaf_input = serializers.CharField(help_text=_("条目（规范 JSON，Base64）"))
    leaf_hash = serializers.CharField()


class EntriesSerializer(serializers.Serializer):
    entries = EntrySerializer(many=True)


class ReceiptSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    log = serializers.DictField()
    evidence_code = serializers.CharField()
    leaf_index = serializers.IntegerField()
    entry = serializers.CharField()
    leaf_hash = serializers.CharField()
    sth = SthSerializer()
    inclusion_proof = serializers.ListField(child=serializers.CharField())
    cosignatures = serializers.ListField(child=serializers.DictField())
    witnesses_cosigned = serializers.IntegerField()
    anchor = serializers.DictField(allow_null=True)


class CosignInputSerializer(serializers.Serializer):
    tree_size = serializers.IntegerField(min_value=0)
    witness_fingerprint = TextField(max_length=64, help_text=_("见证公钥的 SHA-256 指纹"))
    timestamp = serializers.IntegerField(min_value=0)
    signature = TextField(max_length=400, help_text=_("见证签名（DER，Base64）"))


class SplitViewInputSerializer(serializers.Serializer):
    witness_fingerprint = TextField(max_length=64)
    first = TextField(max_length=2000, help_text=_("第一个签名树头的签名正文（Base64）"))
    second = TextField(max_length=2000, help_text=_("与之不一致的签名树头正文（Base64）"))
    signature = TextField(max_length=400)


class AcceptedSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()


class EvidenceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("存证码（标识）"))
    leaf_index = serializers.IntegerField()
    subject = serializers.CharField()
    evidence_type = serializers.CharField()
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    filename = serializers.CharField()
    size = serializers.IntegerField()
    digest = serializers.CharField(help_text=_("SM3 摘要（十六进制）"))
    supersedes = serializers.CharField()
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    inclusion = serializers.ChoiceField(choices=InclusionState.choices, required=False)


class EvidenceDetailSerializer(EvidenceSerializer):
    record = serializers.JSONField(allow_null=True, help_text=_("JSON 记录（文件存证为 null）"))


class RecordInputSerializer(serializers.Serializer):
    subject = TextField(max_length=255, help_text=_("关联的本企业标识"))
    evidence_type = TextField(max_length=32, help_text=_("园区存证类型代码"))
    record = serializers.JSONField(required=False, help_text=_("JSON 记录（与 file 二选一）"))
    file = serializers.FileField(required=False, help_text=_("文件（multipart；与 record 二选一）"))
    file_base64 = TextField(
        required=False, max_length=40_000_000, help_text=_("文件内容 Base64（JSON 请求）")
    )
    filename = TextField(required=False, allow_blank=True, max_length=200)
    title = TextField(required=False, allow_blank=True, max_length=200)
    supersedes = TextField(required=False, allow_blank=True, max_length=255, help_text=_("被更正的存证码"))


class BulkInputSerializer(serializers.Serializer):
    items = RecordInputSerializer(many=True)


class RecordedSerializer(serializers.Serializer):
    code = serializers.CharField()
    leaf_index = serializers.IntegerField()
    digest = serializers.CharField()
    created_at = serializers.DateTimeField()


class EvidenceTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    is_public = serializers.BooleanField()


class WitnessSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = TextField(max_length=100)
    url = serializers.URLField(required=False, allow_blank=True)
    public_key = TextField(max_length=4000, help_text=_("见证节点的 SM2 公钥（PEM）"))
    fingerprint = serializers.CharField(read_only=True)
    last_cosigned_size = serializers.IntegerField(read_only=True, allow_null=True)
    last_cosigned_at = serializers.DateTimeField(read_only=True, allow_null=True)


class FiguresSerializer(serializers.Serializer):
    size = serializers.IntegerField()
    last_sth = SthSerializer(allow_null=True)
    witnesses = serializers.IntegerField()
    open_alerts = serializers.IntegerField()
    tampered = serializers.BooleanField()
    by_type = serializers.ListField(child=serializers.DictField())
    by_enterprise = serializers.ListField(child=serializers.DictField())
