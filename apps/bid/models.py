"""BIDs the park node maps (星火·链网 BID 映射), their keys and the wallets bound for login.

Public schema (SHARED_APPS): a BID and its document are public by nature (anyone resolves
them), and the document carries only public data — the mapped identifier's public values
(一级, marked public); restricted values stay in the enterprise's schema and never reach a
document. Private keys are never stored: the holder keeps them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.bid.choices import BidKeyType, BidState, BidSubject
from apps.core.models import TimeStampedModel


class Bid(TimeStampedModel):
    did = models.CharField(_("BID"), max_length=64, unique=True)
    ac_code = models.CharField(_("AC 号"), max_length=4, blank=True)
    subject = models.CharField(_("主体类型"), max_length=16, choices=BidSubject.choices)
    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bids",
    )
    identifier = models.OneToOneField(
        "identifiers.Identifier",
        verbose_name=_("标识"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bid",
    )
    key_type = models.CharField(_("密钥类型"), max_length=16, choices=BidKeyType.choices)
    state = models.CharField(_("状态"), max_length=16, choices=BidState.choices, default=BidState.ACTIVE)
    version = models.PositiveIntegerField(_("文档版本"), default=1)
    # Services the holder declared in signed updates: [{"id": "#name", "type", "serviceEndpoint"}]
    services = models.JSONField(_("持有者声明的服务"), default=list, blank=True)
    key_generated_by_portal = models.BooleanField(_("门户生成的密钥"), default=False)
    # Resolutions are counted under this prefix (billing): the identifier's or the enterprise's.
    billing_prefix = models.CharField(_("计费前缀"), max_length=64, blank=True)
    document = models.JSONField(_("BID 文档"), default=dict, blank=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    deactivation_reason = models.CharField(_("停用原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("BID")
        verbose_name_plural = _("BID")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "subject", "state"])]

    def __str__(self) -> str:
        return self.did


class BidKey(models.Model):
    """A key of a BID (``#key-N``); a rotated-out key stays listed, revoked at ``revoked_at``."""

    bid = models.ForeignKey(Bid, verbose_name=_("BID"), on_delete=models.CASCADE, related_name="keys")
    number = models.PositiveSmallIntegerField(_("序号"))
    key_type = models.CharField(_("密钥类型"), max_length=16, choices=BidKeyType.choices)
    public_key = models.CharField(_("公钥（BIF 编码）"), max_length=140)
    created_at = models.DateTimeField(_("创建时间"))
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("BID 密钥")
        verbose_name_plural = _("BID 密钥")
        ordering = ["bid", "number"]
        constraints = [models.UniqueConstraint(fields=["bid", "number"], name="bid_key_number_unique")]

    def __str__(self) -> str:
        return f"{self.bid.did}#key-{self.number}"


class WalletLogin(models.Model):
    """A BID an enterprise administrator proved control of, to log in with a 星火 wallet."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="bid_wallet"
    )
    did = models.CharField(_("BID"), max_length=64, unique=True)
    public_key = models.CharField(_("公钥（BIF 编码）"), max_length=140)
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("绑定时间"))

    class Meta:
        verbose_name = _("BID 钱包登录")
        verbose_name_plural = _("BID 钱包登录")

    def __str__(self) -> str:
        return self.did


class BidTemplate(models.Model):
    """A metadata template whose identifiers get a BID on registration (children inherit the
    nearest one): with the key in the template's ``bid_public_key`` item (a form field, an
    Excel column, an API value), or with the terminal's credential key."""

    template = models.OneToOneField(
        "metadata.MetadataTemplate",
        verbose_name=_("模板"),
        on_delete=models.CASCADE,
        related_name="bid_setting",
    )
    auto_map = models.BooleanField(_("登记时映射 BID"), default=True)
    use_terminal_key = models.BooleanField(_("使用终端凭证的公钥"), default=False)

    class Meta:
        verbose_name = _("模板的 BID 映射")
        verbose_name_plural = _("模板的 BID 映射")

    def __str__(self) -> str:
        return str(self.template)
