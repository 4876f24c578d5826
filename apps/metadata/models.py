from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.metadata.choices import (
    ChangeRequestStatus,
    Grade,
    ItemState,
    ItemType,
    ObjectCategory,
    TemplateLevel,
    VersionStatus,
)

FIRST_ITEM_INDEX = 2000  # Handle indexes of template items start here (1000/1001: template id/version)


class MetadataTemplate(TimeStampedModel):
    """元数据模板: national → park → enterprise. A child inherits its parent's effective items."""

    code = models.CharField(_("模板编码"), max_length=64)
    name = models.CharField(_("模板名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=TemplateLevel.choices, db_index=True)
    category = models.CharField(_("对象类别"), max_length=32, choices=ObjectCategory.choices, db_index=True)
    # GB/T 4754 国民经济行业分类, four levels: 门类 (A), 大类 (01), 中类 (011), 小类 (0111)
    industry_section = models.CharField(_("行业门类"), max_length=1, blank=True)
    industry_division = models.CharField(_("行业大类"), max_length=2, blank=True)
    industry_group = models.CharField(_("行业中类"), max_length=3, blank=True)
    industry_class = models.CharField(_("行业小类"), max_length=4, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级模板"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    owner = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="metadata_templates",
        help_text=_("企业模板的所属企业；国家和园区模板为空"),
    )
    description = models.TextField(_("说明"), blank=True)
    use_check_character = models.BooleanField(
        _("启用校验位"), default=False, help_text=_("后缀末尾追加 ISO/IEC 7064 MOD 37,36 校验字符")
    )
    default_link = models.CharField(
        _("默认跳转链接"),
        max_length=500,
        blank=True,
        help_text=_("解析时 307 跳转的地址模板，可用 {handle}、{prefix}、{suffix} 占位"),
    )

    class Meta:
        verbose_name = _("元数据模板")
        verbose_name_plural = _("元数据模板")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "code"], name="template_code_unique_per_owner", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TemplateVersion(TimeStampedModel):
    """A version of a template. Once published it is immutable; identifiers record the
    version they were registered under."""

    template = models.ForeignKey(
        MetadataTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    parent_version = models.ForeignKey(
        "self",
        verbose_name=_("上级模板版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("版本说明"), blank=True)
    effective_items = models.JSONField(
        _("有效数据项快照"),
        default=list,
        blank=True,
        help_text=_("发布时冻结的有效数据项（含继承），注册与解析按此校验"),
    )

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_unique")]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class TemplateItem(models.Model):
    """数据项: an item a template version defines itself (inherited items live on the parent)."""

    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("模板版本"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("中文名称"), max_length=100)
    code = models.CharField(_("英文编码"), max_length=64)
    index = models.PositiveIntegerField(_("索引"), validators=[MinValueValidator(FIRST_ITEM_INDEX)])
    item_type = models.CharField(
        _("数据类型"), max_length=16, choices=ItemType.choices, default=ItemType.STRING
    )
    required = models.BooleanField(_("必填"), default=False)
    unique = models.BooleanField(_("唯一"), default=False)
    # {"min_length", "max_length", "min", "max", "precision", "unit", "pattern", "choices": [...],
    #  "ref_category", "ref_prefix"}
    constraints = models.JSONField(_("约束"), default=dict, blank=True)
    grade = models.PositiveSmallIntegerField(_("数据分级"), choices=Grade.choices, default=Grade.G1)
    is_public = models.BooleanField(_("公开"), default=True)
    state = models.CharField(_("状态"), max_length=16, choices=ItemState.choices, default=ItemState.ENABLED)
    help_text = models.CharField(_("填写说明"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("数据项")
        verbose_name_plural = _("数据项")
        ordering = ["order", "index"]
        constraints = [
            models.UniqueConstraint(fields=["version", "index"], name="template_item_index_unique"),
            models.UniqueConstraint(fields=["version", "code"], name="template_item_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, {self.index})"


class TemplateChangeRequest(TimeStampedModel):
    """模板变更申请: an enterprise asks for an item to be added to a park template."""

    template = models.ForeignKey(
        MetadataTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="change_requests"
    )
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("申请企业"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_item = models.JSONField(
        _("申请的数据项"), help_text=_("与数据项字段相同：name, code, index, item_type, ...")
    )
    reason = models.TextField(_("申请理由"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    resulting_version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("生成的版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("模板变更申请")
        verbose_name_plural = _("模板变更申请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template.code}: {self.proposed_item.get('name', '')}"


class TemplateNotice(TimeStampedModel):
    """A message to an enterprise about its template change requests (shown in its inbox)."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    change_request = models.ForeignKey(
        TemplateChangeRequest,
        verbose_name=_("变更申请"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # What happened and its parameters; the text is rendered when read, in the reader's language.
    kind = models.CharField(_("消息类型"), max_length=16, choices=ChangeRequestStatus.choices, blank=True)
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    # The source-language text at the time of writing (older rows have only this).
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("模板消息")
        verbose_name_plural = _("模板消息")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.display_title

    def render(self) -> tuple[str, str]:
        """(title, body) in the active language."""
        from django.utils.translation import gettext

        p = self.params or {}
        if self.kind == ChangeRequestStatus.APPROVED:
            return (
                gettext("模板变更申请已批准：%(template)s 新增「%(name)s」") % p,
                gettext("园区已发布 %(version)s，新登记的标识可以填写该数据项。") % p,
            )
        if self.kind == ChangeRequestStatus.REJECTED:
            return (
                gettext("模板变更申请已驳回：%(template)s「%(name)s」") % p,
                gettext("驳回原因：%(reason)s") % p,
            )
        if self.kind == ChangeRequestStatus.FORWARDED:
            return (
                gettext("模板变更申请已转报国家：%(template)s「%(name)s」") % p,
                p.get("note") or gettext("该数据项适合在国家元数据模板中统一增加，园区已转报国家顶级节点。"),
            )
        return self.title, self.body

    @property
    def display_title(self) -> str:
        return self.render()[0]

    @property
    def display_body(self) -> str:
        return self.render()[1]
