from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyAlgorithm(models.TextChoices):
    SM2 = "sm2", _("SM2（GM/T 0003）")
    P256 = "p256", _("ECDSA P-256")
    ED25519 = "ed25519", _("Ed25519")


class CredentialState(models.TextChoices):
    ACTIVE = "active", _("有效")
    RETIRING = "retiring", _("轮换宽限中")
    SUSPENDED = "suspended", _("已暂停")
    REVOKED = "revoked", _("已吊销")
    SUPERSEDED = "superseded", _("已被替换")


class AuthOutcome(models.TextChoices):
    """What one device authentication came to: ``ok`` or the refusal's error code."""

    OK = "ok", _("认证成功")
    NONCE_INVALID = "nonce_invalid", _("挑战码无效或已过期")
    NONCE_REPLAYED = "nonce_replayed", _("挑战码被重放")
    UNKNOWN_TERMINAL = "unknown_terminal", _("终端不存在")
    NO_CREDENTIAL = "no_credential", _("终端没有有效凭证")
    BAD_SIGNATURE = "bad_signature", _("签名验证失败")
    CREDENTIAL_SUSPENDED = "credential_suspended", _("凭证已暂停")
    CREDENTIAL_REVOKED = "credential_revoked", _("凭证已吊销")
    CREDENTIAL_EXPIRED = "credential_expired", _("凭证已过期")
    TERMINAL_WITHDRAWN = "terminal_withdrawn", _("终端标识已注销")
    ENTERPRISE_INACTIVE = "enterprise_inactive", _("终端所属企业已暂停或注销")
    RATE_LIMITED = "rate_limited", _("请求过于频繁")
    REPORT_BAD_SIGNATURE = "report_bad_signature", _("上报签名验证失败")


class AlertKind(models.TextChoices):
    OFFLINE = "offline", _("终端离线")
    SIGNATURE_FAILURES = "signature_failures", _("签名验证失败")
    EXPIRING = "expiring", _("凭证即将到期")
