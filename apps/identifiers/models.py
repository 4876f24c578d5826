from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.identifiers.choices import IdentifierStatus, PrefixStatus, UpstreamStatus
from apps.metadata.choices import ObjectCategory

# Handle value indexes (conventions of the Chinese secondary-node software)
INDEX_HS_ADMIN = 100
INDEX_TEMPLATE_ID = 1000
INDEX_TEMPLATE_VERSION = 1001


class Prefix(TimeStampedModel):
    """标识前缀 ``88.<park code>.<enterprise code>``. Compared case-insensitively."""

    prefix = models.CharField(_("前缀"), max_length=64)
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("所属企业"), on_delete=models.PROTECT, related_name="prefixes"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PrefixStatus.choices, default=PrefixStatus.PENDING, db_index=True
    )
    upstream_status = models.CharField(
        _("上级节点状态"),
        max_length=16,
        choices=UpstreamStatus.choices,
        default=UpstreamStatus.NOT_SENT,
        db_index=True,
    )
    upstream_message = models.TextField(_("上级节点反馈"), blank=True)
    next_sequence = models.PositiveBigIntegerField(_("下一个自动后缀序号"), default=1)

    class Meta:
        verbose_name = _("标识前缀")
        verbose_name_plural = _("标识前缀")
        ordering = ["prefix"]
        constraints = [models.UniqueConstraint(Lower("prefix"), name="prefix_ci_unique")]

    def __str__(self) -> str:
        return self.prefix


class Identifier(TimeStampedModel):
    """标识: ``<prefix>/<suffix>`` with its public values in Handle form. Restricted values live
    in the owning enterprise's schema (apps.enterprise_data)."""

    handle = models.CharField(_("标识"), max_length=255)
    # lower(handle): unique, so a case-variant duplicate is refused; resolution looks up by it
    # and then compares the suffix exactly (suffixes are case-sensitive).
    handle_ci = models.CharField(_("标识（小写）"), max_length=255, editable=False)
    prefix = models.ForeignKey(
        Prefix, verbose_name=_("前缀"), on_delete=models.PROTECT, related_name="identifiers", db_index=False
    )
    suffix = models.CharField(_("后缀"), max_length=190)
    object_code = models.CharField(_("对象代码"), max_length=190)
    security_code = models.CharField(_("校验位"), max_length=4, blank=True)
    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        related_name="identifiers",
        db_index=False,
    )
    category = models.CharField(_("对象类别"), max_length=32, choices=ObjectCategory.choices)
    template_version = models.ForeignKey(
        "metadata.TemplateVersion",
        verbose_name=_("模板版本"),
        on_delete=models.PROTECT,
        related_name="identifiers",
    )
    name = models.CharField(_("对象名称"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=IdentifierStatus.choices,
        default=IdentifierStatus.ACTIVE,
    )
    # Public values only: [{"index", "type", "data": {"format", "value"}, "ttl", "timestamp"}, ...]
    values = models.JSONField(_("公开标识值"), default=list, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("注册人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("标识")
        verbose_name_plural = _("标识")
        ordering = ["-created_at", "-id"]
        # Few indexes on purpose: a 100,000-row import writes every one of them. Resolution uses
        # the handle_ci one; (prefix, object_code) serves per-prefix reads, the composite the
        # enterprise's lists; name/code searches are substring matches no btree helps.
        constraints = [
            models.UniqueConstraint(fields=["handle_ci"], name="identifier_handle_ci_unique"),
            models.UniqueConstraint(fields=["prefix", "object_code"], name="identifier_object_code_unique"),
        ]
        indexes = [models.Index(fields=["enterprise", "category", "status"])]
        permissions = [("view_restricted_values", _("查看受限标识值"))]

    def __str__(self) -> str:
        return self.handle

    def save(self, *args, **kwargs):
        self.handle_ci = self.handle.lower()
        super().save(*args, **kwargs)


INDEX_FIRST_ITEM = 2000  # template items from here (apps.metadata.models.FIRST_ITEM_INDEX)
DEFAULT_TTL = 86400


class APIClient(TimeStampedModel):
    """A program that calls the REST API for an enterprise (ERP, MES, a gateway).

    Each client has its own service account (a member of the enterprise) and that account's
    DRF token, so a client authenticates like a user (``Authorization: Token <key>``), its
    writes are audited under its own name, and revoking it never touches a person's token."""

    name = models.CharField(_("客户端名称"), max_length=100)
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("所属企业"), on_delete=models.CASCADE, related_name="api_clients"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务账号"),
        on_delete=models.CASCADE,
        related_name="api_client",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API 客户端")
        verbose_name_plural = _("API 客户端")
        ordering = ["enterprise", "name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="api_client_name_unique")]

    def __str__(self) -> str:
        return self.name


class IdentifierGrant(TimeStampedModel):
    """A record of a grant the enterprise administrator gave (the permission itself is a
    django-guardian object permission; this row lists it on the grants page and in the audit)."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("授权企业"), on_delete=models.CASCADE, related_name="+"
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("被授权用户"), on_delete=models.CASCADE, related_name="+"
    )
    identifier = models.ForeignKey(
        Identifier, verbose_name=_("标识"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    template = models.ForeignKey(
        "metadata.MetadataTemplate",
        verbose_name=_("模板"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("受限数据授权")
        verbose_name_plural = _("受限数据授权")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(identifier__isnull=False) | models.Q(template__isnull=False),
                name="grant_has_target",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "grantee", "identifier", "template"],
                name="grant_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantee} → {self.identifier or self.template}"
