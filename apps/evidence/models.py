"""Trusted evidence (可信存证).

The app is in SHARED_APPS and TENANT_APPS (as terminals is). The log — entries, stored subtree
hashes, signed tree heads, witnesses, cosignatures, anchors, alerts — is read and written in the
public schema; the evidence's content (the file or JSON record) is the enterprise's data and is
only written in its own schema (``apps.enterprise_data.services.restricted_context``).
Entries and nodes are append-only in the database (migration 0002).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.evidence.choices import AlertKind, AnchorState, EvidenceKind


# ---------------------------------------------------------------- public schema
class EvidenceType(TimeStampedModel):
    """The park-managed list of evidence types; a public type shows its content to anyone."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    is_public = models.BooleanField(
        _("公开内容"), default=False, help_text=_("公开类型的存证内容对任何人可见，其他类型只公开摘要")
    )
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("存证类型")
        verbose_name_plural = _("存证类型")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class EvidenceLog(TimeStampedModel):
    """One append-only Merkle log (RFC 9162). ``size`` and ``root`` change under the row lock
    every append takes, in the append's transaction."""

    origin = models.CharField(_("日志名称"), max_length=200, unique=True)
    hash_algorithm = models.CharField(_("哈希算法"), max_length=16, default="sm3")
    size = models.PositiveBigIntegerField(_("条目数"), default=0)
    root = models.BinaryField(_("根哈希"), default=b"")
    public_key = models.TextField(_("日志公钥（PEM）"), blank=True)
    # generated when EVIDENCE_LOG_KEY_PEM is not set; never shown, never in an API
    private_key = models.TextField(_("日志私钥"), blank=True, editable=False)

    class Meta:
        verbose_name = _("存证日志")
        verbose_name_plural = _("存证日志")

    def __str__(self) -> str:
        return self.origin


# The entry and node tables carry only the indexes reads use (appending writes every one of them
# for every row): the (log, index) and (log, level, index) unique constraints, which also serve the
# range and proof reads; the leaf hash (get-proof-by-hash); the evidence code (receipts, public
# pages); enterprise and time (the evaluation report). No index of their own on log or enterprise
# (the composite ones start with them) and no pattern index on the code (nothing searches it).
# ``log`` has no database foreign key: PostgreSQL checked it with one query per row at commit
# (a fifth of an append's time); a log row that has entries or nodes cannot be deleted instead
# (migration 0004's trigger), and the appender holds the log row's lock while it writes.
LOG_REFERENCE = {"on_delete": models.PROTECT, "related_name": "+", "db_constraint": False, "db_index": False}


class LogEntry(models.Model):
    """Leaf ``index`` of a log: the entry's canonical bytes and its leaf hash."""

    log = models.ForeignKey(EvidenceLog, verbose_name=_("日志"), **LOG_REFERENCE)
    index = models.BigIntegerField(_("叶子序号"))
    leaf_hash = models.BinaryField(_("叶子哈希"))
    entry = models.BinaryField(_("条目"))
    code = models.CharField(_("存证码"), max_length=255, blank=True)
    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    evidence_type = models.CharField(_("存证类型"), max_length=32, blank=True)
    digest = models.CharField(_("SM3 摘要"), max_length=64, blank=True)
    supersedes = models.CharField(_("更正的存证码"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("存证时间"))

    class Meta:
        verbose_name = _("存证日志条目")
        verbose_name_plural = _("存证日志条目")
        constraints = [models.UniqueConstraint(fields=["log", "index"], name="evidence_entry_index_unique")]
        indexes = [
            models.Index(fields=["log", "leaf_hash"], name="evidence_entry_leaf_idx"),
            models.Index(fields=["code"], name="evidence_entry_code_idx"),
            models.Index(fields=["enterprise", "created_at"], name="evidence_entry_ent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.log_id}#{self.index}"


class LogNode(models.Model):
    """A complete interior subtree covering leaves [index·2^level, (index+1)·2^level), stored for
    levels from ``apps.evidence.log.STORED_FROM`` up (logs appended before 0004 also hold lower
    levels, which are no longer read)."""

    log = models.ForeignKey(EvidenceLog, verbose_name=_("日志"), **LOG_REFERENCE)
    level = models.PositiveSmallIntegerField(_("层"))
    index = models.BigIntegerField(_("序号"))
    hash = models.BinaryField(_("哈希"))

    class Meta:
        verbose_name = _("子树哈希")
        verbose_name_plural = _("子树哈希")
        constraints = [models.UniqueConstraint(fields=["log", "level", "index"], name="evidence_node_unique")]

    def __str__(self) -> str:
        return f"{self.log_id}:{self.level}/{self.index}"


class SignedTreeHead(models.Model):
    """An STH: the log's size and root at ``timestamp`` (ms), signed with the log key (SM2)."""

    log = models.ForeignKey(
        EvidenceLog, verbose_name=_("日志"), on_delete=models.PROTECT, related_name="heads"
    )
    tree_size = models.PositiveBigIntegerField(_("树大小"))
    root_hash = models.BinaryField(_("根哈希"))
    timestamp = models.BigIntegerField(_("时间戳（毫秒）"))
    signature = models.BinaryField(_("签名"))
    created_at = models.DateTimeField(_("签名时间"))

    class Meta:
        verbose_name = _("签名树头")
        verbose_name_plural = _("签名树头")
        ordering = ["-tree_size"]
        constraints = [models.UniqueConstraint(fields=["log", "tree_size"], name="evidence_sth_size_unique")]

    def __str__(self) -> str:
        return f"{self.log_id}@{self.tree_size}"


class Witness(TimeStampedModel):
    """Another park node that cosigns our tree heads (park settings)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    url = models.URLField(_("节点地址"), blank=True)
    public_key = models.TextField(_("见证公钥（PEM）"))
    fingerprint = models.CharField(_("公钥指纹（SHA-256）"), max_length=64, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    last_cosigned_size = models.PositiveBigIntegerField(_("最近见证的树大小"), null=True, blank=True)
    last_cosigned_at = models.DateTimeField(_("最近见证时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("见证节点")
        verbose_name_plural = _("见证节点")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    sth = models.ForeignKey(
        SignedTreeHead, verbose_name=_("树头"), on_delete=models.CASCADE, related_name="cosignatures"
    )
    witness = models.ForeignKey(
        Witness, verbose_name=_("见证节点"), on_delete=models.CASCADE, related_name="+"
    )
    timestamp = models.BigIntegerField(_("见证时间戳（毫秒）"))
    signature = models.BinaryField(_("见证签名"))
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("见证签名")
        verbose_name_plural = _("见证签名")
        constraints = [models.UniqueConstraint(fields=["sth", "witness"], name="evidence_cosignature_unique")]

    def __str__(self) -> str:
        return f"{self.witness_id}→{self.sth_id}"


class WatchedLog(TimeStampedModel):
    """Witness side: another node's log we cosign, and the last head we cosigned."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    url = models.URLField(_("日志节点地址"))
    public_key = models.TextField(_("日志公钥（PEM）"))
    active = models.BooleanField(_("启用"), default=True)
    last_size = models.PositiveBigIntegerField(_("最近见证的树大小"), default=0)
    last_root = models.BinaryField(_("最近见证的根哈希"), default=b"")
    # the signed body and signature of the head we last cosigned: the evidence of a split view
    last_body = models.TextField(_("最近见证的树头正文"), blank=True)
    last_signature = models.TextField(_("最近见证的树头签名"), blank=True)
    last_cosigned_at = models.DateTimeField(_("最近见证时间"), null=True, blank=True)
    split_view = models.BooleanField(_("发现分叉视图"), default=False)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("被见证的日志")
        verbose_name_plural = _("被见证的日志")

    def __str__(self) -> str:
        return self.name


class Anchor(models.Model):
    """An STH written to the 星火·链网 chain (BIF-Core), when the park configures it."""

    sth = models.OneToOneField(
        SignedTreeHead, verbose_name=_("树头"), on_delete=models.CASCADE, related_name="anchor"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=AnchorState.choices, default=AnchorState.PENDING
    )
    tx_hash = models.CharField(_("交易哈希"), max_length=128, blank=True)
    message = models.CharField(_("消息"), max_length=500, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("上链锚定")
        verbose_name_plural = _("上链锚定")

    def __str__(self) -> str:
        return f"{self.sth} {self.state}"


class EvidenceAlert(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=AlertKind.choices)
    message = models.CharField(_("说明"), max_length=500)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    resolved = models.BooleanField(_("已处理"), default=False)

    class Meta:
        verbose_name = _("存证告警")
        verbose_name_plural = _("存证告警")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class LogCheck(models.Model):
    """One run of the tamper check: what it compared and what it found."""

    created_at = models.DateTimeField(_("校验时间"))
    ok = models.BooleanField(_("完整"))
    checked = models.PositiveBigIntegerField(_("校验条目数"), default=0)
    tree_size = models.PositiveBigIntegerField(_("树大小"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)

    class Meta:
        verbose_name = _("存证校验")
        verbose_name_plural = _("存证校验")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'tampered'}"


# ---------------------------------------------------------------- enterprise schema
class EvidenceContent(models.Model):
    """What was recorded under an evidence code: a file or a JSON record, never edited."""

    code = models.CharField(_("存证码"), max_length=255, unique=True)
    identifier_id = models.BigIntegerField(_("存证码标识 ID"))
    subject = models.CharField(_("关联标识"), max_length=255, db_index=True)
    evidence_type = models.CharField(_("存证类型"), max_length=32)
    kind = models.CharField(_("形式"), max_length=8, choices=EvidenceKind.choices)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    # in the row, not on disk: the content commits or rolls back with the entry
    data = models.BinaryField(_("内容"))
    digest = models.CharField(_("SM3 摘要"), max_length=64)
    leaf_index = models.BigIntegerField(_("叶子序号"))
    supersedes = models.CharField(_("更正的存证码"), max_length=255, blank=True)
    title = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by_id = models.BigIntegerField(_("提交人"), null=True, blank=True)
    created_at = models.DateTimeField(_("存证时间"))

    class Meta:
        verbose_name = _("存证内容")
        verbose_name_plural = _("存证内容")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.code
