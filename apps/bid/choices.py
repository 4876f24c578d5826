from django.db import models
from django.utils.translation import gettext_lazy as _


class BidKeyType(models.TextChoices):
    """The key types the 星火 SDKs generate BIDs for (values as apps.terminals' KeyAlgorithm)."""

    SM2 = "sm2", _("SM2（国密）")
    ED25519 = "ed25519", _("Ed25519")


class BidSubject(models.TextChoices):
    PARK = "park", _("园区节点")
    ENTERPRISE = "enterprise", _("企业")
    IDENTIFIER = "identifier", _("标识对象")


class BidState(models.TextChoices):
    ACTIVE = "active", _("有效")
    DEACTIVATED = "deactivated", _("已停用")


class AuthOutcome(models.TextChoices):
    """What one BIDAuth verification came to: ``ok`` or the refusal's code."""

    OK = "ok", _("验证成功")
    INVALID_REQUEST = "invalid_request", _("请求缺少字段或格式有误")
    INVALID_DID = "invalid_did", _("BID 格式错误")
    INVALID_PUBLIC_KEY = "invalid_public_key", _("公钥格式错误")
    UNKNOWN_BID = "unknown_bid", _("BID 未在本节点登记")
    KEY_MISMATCH = "key_mismatch", _("公钥与 BID 不对应")
    KEY_REVOKED = "key_revoked", _("公钥已被轮换作废")
    BID_DEACTIVATED = "bid_deactivated", _("BID 已停用")
    CODE_UNKNOWN = "code_unknown", _("随机码不存在")
    CODE_USED = "code_used", _("随机码已使用")
    CODE_EXPIRED = "code_expired", _("随机码已过期")
    CODE_MISMATCH = "code_mismatch", _("随机码不是为该 BID 签发的")
    BAD_SIGNATURE = "bad_signature", _("签名验证失败")
    RATE_LIMITED = "rate_limited", _("请求过于频繁")


class BidOperation(models.TextChoices):
    """What a holder signs: the canonical payload names the operation."""

    UPDATE = "update", _("更新服务")
    ROTATE = "rotate", _("轮换密钥")
    DEACTIVATE = "deactivate", _("停用")
