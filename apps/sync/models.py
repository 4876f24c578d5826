from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxOperation(models.TextChoices):
    CREATE = "create", _("创建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    PREFIX_APPLY = "prefix_apply", _("前缀申请")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待同步")
    SENT = "sent", _("已同步")
    FAILED = "failed", _("失败")
    STOPPED = "stopped", _("已停止")
    # Secondary-node mode without a national adapter: there is no upstream to send to.
    NO_UPSTREAM = "no_upstream", _("无上级节点，不同步")
    # A prefix application the upstream would refuse: the enterprise's data is incomplete.
    WAITING_DATA = "waiting_data", _("等待补充资料")


class OutboxEntry(models.Model):
    """A registry change waiting to reach the upstream node. Written in the same transaction
    as the change (by the registration services); drained in id order by a Celery task."""

    operation = models.CharField(_("操作"), max_length=16, choices=OutboxOperation.choices)
    handle = models.CharField(_("标识/前缀"), max_length=255, db_index=True)
    identifier = models.ForeignKey(
        "identifiers.Identifier",
        verbose_name=_("标识"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("同步时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同步待发")
        verbose_name_plural = _("同步待发")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"], name="outbox_status_id")]

    def __str__(self) -> str:
        return f"{self.operation} {self.handle}"


class ApiToken(models.Model):
    """A bearer token of the SNMS API (``POST /identity/token``), valid 24 hours.
    Only its sha256 is stored."""

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("用户"), on_delete=models.CASCADE, related_name="snms_tokens"
    )
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} → {self.expires_at:%Y-%m-%d %H:%M}"


class ApiPasswordDigest(models.Model):
    """What ``POST /identity/token/v1`` checks against: the sha256 of the user's password, which
    the documented digest sha256(sha256(password) + "yyyy-MM-dd") is computed from. Our password
    hashes cannot give it, so it is kept when a password is set (apps.sync.credentials) or sent
    in clear to ``/identity/token``; encrypted with a key derived from SECRET_KEY, so the row
    alone gives neither a password-equivalent nor a fast hash to attack."""

    user = models.OneToOneField(
        "accounts.User", verbose_name=_("用户"), on_delete=models.CASCADE, related_name="snms_password_digest"
    )
    digest = models.CharField(_("密码摘要（加密）"), max_length=128)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("接口密码摘要")
        verbose_name_plural = _("接口密码摘要")

    def __str__(self) -> str:
        return str(self.user)


class UpstreamLink(models.Model):
    """The one upstream node this park syncs to (enterprise-node mode), and the state of the
    link. Backoff lives here, not on rows: when the upstream is down every row waits, which
    keeps the per-handle order. Empty url → the settings UPSTREAM_NODE_* are used."""

    url = models.URLField(_("上级节点地址"), blank=True)
    username = models.CharField(_("应用身份"), max_length=50, blank=True)
    password = models.CharField(_("密钥"), max_length=128, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    batch_size = models.PositiveIntegerField(_("每批条数"), default=1500)
    timeout_seconds = models.FloatField(_("超时（秒）"), default=30)
    consecutive_failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    last_error_at = models.DateTimeField(_("最近错误时间"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True)
    stopped_reason = models.TextField(
        _("停止原因"), blank=True, help_text=_("认证或权限被拒时停止同步，人工处理后点“重试”")
    )
    last_reconciled_at = models.DateTimeField(_("最近对账时间"), null=True, blank=True)
    last_reconcile_result = models.JSONField(_("最近对账结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("上级节点连接")
        verbose_name_plural = _("上级节点连接")

    def __str__(self) -> str:
        return self.url or "-"


class SnmsTemplateBinding(models.Model):
    """Server side: an SNMS template (prefix + version string) and the typed template version
    it was mapped onto."""

    prefix = models.CharField(_("前缀"), max_length=64)
    version = models.CharField(_("模板版本"), max_length=128)
    template_version = models.ForeignKey(
        "metadata.TemplateVersion", verbose_name=_("模板版本"), on_delete=models.CASCADE, related_name="+"
    )
    payload = models.JSONField(_("SNMS 模板"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("SNMS 模板映射")
        verbose_name_plural = _("SNMS 模板映射")
        constraints = [models.UniqueConstraint(fields=["prefix", "version"], name="snms_template_unique")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.version}"


class PushedTemplate(models.Model):
    """Client side: a template already created at the upstream for (prefix, version)."""

    prefix = models.CharField(_("前缀"), max_length=64)
    version = models.CharField(_("模板版本"), max_length=128)
    pushed_at = models.DateTimeField(_("推送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已推送模板")
        verbose_name_plural = _("已推送模板")
        constraints = [models.UniqueConstraint(fields=["prefix", "version"], name="pushed_template_unique")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.version}"
