"""Terminals (终端) and their credentials (标识凭证).

The app is in SHARED_APPS and TENANT_APPS (as imports is): the registry side (terminals,
credentials, tokens, authentication counts) is read and written in the public schema; readings
and report batches are the enterprise's data and are only written in its own schema
(``apps.enterprise_data.services.restricted_context``), graded by the terminal's template.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.terminals.choices import AuthOutcome, CredentialState, KeyAlgorithm

# HS_PUBKEY values of a terminal's record: index 300 upward (one per published credential), and
# beside each its state at 400 upward (TERMINAL_CREDENTIAL), both below the template's 1000.
INDEX_PUBKEY = 300
INDEX_CREDENTIAL_STATE = 400
MAX_PUBLISHED_KEYS = 100


# ---------------------------------------------------------------- public schema
class TerminalProfile(TimeStampedModel):
    """What a terminal template sets for its terminals (children inherit the nearest one)."""

    template = models.OneToOneField(
        "metadata.MetadataTemplate",
        verbose_name=_("终端模板"),
        on_delete=models.CASCADE,
        related_name="terminal_profile",
    )
    heartbeat_seconds = models.PositiveIntegerField(
        _("心跳间隔（秒）"), default=60, help_text=_("在此间隔内有心跳的终端为在线")
    )
    offline_alert_minutes = models.PositiveIntegerField(_("离线告警（分钟）"), default=10)
    credential_days = models.PositiveIntegerField(_("凭证有效期（天）"), default=365)

    class Meta:
        verbose_name = _("终端模板设置")
        verbose_name_plural = _("终端模板设置")

    def __str__(self) -> str:
        return str(self.template)


class Terminal(TimeStampedModel):
    """An identifier registered under a terminal template, with its connection state."""

    identifier = models.OneToOneField(
        "identifiers.Identifier", verbose_name=_("标识"), on_delete=models.PROTECT, related_name="terminal"
    )
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("所属企业"), on_delete=models.PROTECT, related_name="terminals"
    )
    handle = models.CharField(_("标识"), max_length=255, unique=True)
    last_seen_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    last_address = models.CharField(_("最近地址"), max_length=64, blank=True)
    last_status = models.CharField(_("最近状态"), max_length=64, blank=True)
    # {item code: {"value", "time"}} of the template's public items only (public registry)
    public_state = models.JSONField(_("公开的最新状态"), default=dict, blank=True)
    signature_failures = models.PositiveIntegerField(_("签名失败次数"), default=0)
    last_failure_at = models.DateTimeField(_("最近签名失败"), null=True, blank=True)
    last_failure_reason = models.CharField(_("最近失败原因"), max_length=32, blank=True)
    # the last heartbeat's sequence and the SHA-256 of what it signed: its retry is a duplicate
    heartbeat_sequence = models.BigIntegerField(_("最近心跳序号"), null=True, blank=True)
    heartbeat_digest = models.CharField(_("最近心跳摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("终端")
        verbose_name_plural = _("终端")
        ordering = ["handle"]
        indexes = [models.Index(fields=["enterprise", "last_seen_at"])]

    def __str__(self) -> str:
        return self.handle


class TerminalCredential(TimeStampedModel):
    """A public key bound to a terminal, published in its record as HS_PUBKEY."""

    terminal = models.ForeignKey(
        Terminal, verbose_name=_("终端"), on_delete=models.CASCADE, related_name="credentials"
    )
    algorithm = models.CharField(_("算法"), max_length=16, choices=KeyAlgorithm.choices)
    # SubjectPublicKeyInfo, DER, base64 (the SM2 curve OID, P-256 or Ed25519 inside)
    public_key = models.TextField(_("公钥"))
    fingerprint = models.CharField(_("公钥指纹（SHA-256）"), max_length=64, unique=True)
    key_index = models.PositiveIntegerField(_("HS_PUBKEY 索引"))
    state = models.CharField(
        _("状态"), max_length=16, choices=CredentialState.choices, default=CredentialState.ACTIVE
    )
    not_after = models.DateTimeField(_("到期时间"), null=True, blank=True)
    grace_until = models.DateTimeField(_("宽限期至"), null=True, blank=True)
    state_reason = models.CharField(_("状态原因"), max_length=300, blank=True)
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    generated_by_portal = models.BooleanField(_("门户生成的密钥"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("终端凭证")
        verbose_name_plural = _("终端凭证")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["terminal", "key_index"], name="terminal_key_index_unique")
        ]

    def __str__(self) -> str:
        return f"{self.terminal.handle} #{self.key_index} ({self.algorithm})"


class TerminalToken(models.Model):
    """A short-lived bearer token of one terminal; only its SHA-256 is stored."""

    token_hash = models.CharField(_("令牌摘要"), max_length=64, primary_key=True)
    terminal = models.ForeignKey(Terminal, verbose_name=_("终端"), on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(
        TerminalCredential, verbose_name=_("凭证"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("终端令牌")
        verbose_name_plural = _("终端令牌")

    def __str__(self) -> str:
        return self.token_hash[:12]


class AuthCount(models.Model):
    """Device authentications per hour, enterprise and outcome (counted in Redis, flushed here)."""

    hour = models.DateTimeField(_("小时"))
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), null=True, blank=True, on_delete=models.CASCADE
    )
    outcome = models.CharField(_("结果"), max_length=32, choices=AuthOutcome.choices)
    count = models.PositiveBigIntegerField(_("次数"), default=0)
    # successes are audited per enterprise and hour once the hour is over (services.auth_counts_flush)
    audited_at = models.DateTimeField(_("审计时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("终端认证统计")
        verbose_name_plural = _("终端认证统计")
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "enterprise", "outcome"], name="auth_count_unique", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h {self.outcome} {self.count}"


# ---------------------------------------------------------------- enterprise schema
class ReportBatch(models.Model):
    """One signed batch a terminal reported; (terminal, sequence) makes retries idempotent."""

    terminal_id = models.BigIntegerField(_("终端 ID"))
    sequence = models.PositiveBigIntegerField(_("序号"))
    digest = models.CharField(_("批次摘要"), max_length=64)
    received_at = models.DateTimeField(_("接收时间"))
    reading_count = models.PositiveIntegerField(_("读数条数"), default=0)

    class Meta:
        verbose_name = _("上报批次")
        verbose_name_plural = _("上报批次")
        constraints = [
            models.UniqueConstraint(fields=["terminal_id", "sequence"], name="report_batch_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id}#{self.sequence}"


class Reading(models.Model):
    """A value a terminal reported for one of its template's items, with the item's grade."""

    terminal_id = models.BigIntegerField(_("终端 ID"))
    batch = models.ForeignKey(ReportBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="+")
    item_code = models.CharField(_("数据项"), max_length=64)
    grade = models.PositiveSmallIntegerField(_("数据分级"))
    recorded_at = models.DateTimeField(_("采集时间"))
    value = models.CharField(_("值"), max_length=255)
    number = models.DecimalField(_("数值"), max_digits=24, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("终端读数")
        verbose_name_plural = _("终端读数")
        indexes = [models.Index(fields=["terminal_id", "item_code", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.item_code}={self.value}"
