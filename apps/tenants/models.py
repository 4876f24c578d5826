from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.clone import CloneSchema
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import get_creation_fakes_migrations, schema_exists

from apps.core.models import TimeStampedModel
from apps.tenants.choices import EnterpriseStatus, IdDocumentType, NodeMode, OrgNature
from apps.tenants.validators import (
    ENTERPRISE_CODE_COLUMN_LENGTH,
    id_document_problem,
    validate_credit_code,
    validate_enterprise_code,
    validate_industry_code,
    validate_park_code,
    validate_resource_id,
)

_clone_function_installed = False


def _clone_schema(base: str, new: str, mode: str) -> None:
    """Copy ``base`` into a new schema: apps.tenants.cloning's recipe (a cost that does not grow
    with the number of schemas), or django-tenants' ``clone_schema()`` SQL function when the base
    holds what the recipe does not copy (the function is installed once per process)."""
    global _clone_function_installed
    from apps.tenants.cloning import clone_base_schema

    connection.set_schema_to_public()
    if schema_exists(new, case_sensitive=False):
        raise ValidationError("New schema name already exists")
    if mode == "DATA" and clone_base_schema(base, new):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'clone_schema'")
        if not _clone_function_installed or cursor.fetchone() is None:
            CloneSchema()._create_clone_schema_function()
            _clone_function_installed = True
        cursor.execute("SELECT clone_schema(%s, %s, %s)", [base, new, mode])


class Enterprise(TenantMixin, TimeStampedModel):
    """A tenant: one enterprise of the park with its own schema. The park operator is the
    public tenant (schema ``public``, ``is_park_operator=True``)."""

    name = models.CharField(_("企业名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    code = models.CharField(
        _("企业代码"),
        # The maximum width; settings.ENTERPRISE_CODE_MAX_LENGTH may set a lower limit (validator).
        max_length=ENTERPRISE_CODE_COLUMN_LENGTH,
        validators=[validate_enterprise_code],
        help_text=_("标识前缀中的企业段，字母和数字，最多 20 位"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.APPLIED,
        db_index=True,
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("联系邮箱"))
    industry_code = models.CharField(
        _("国民经济行业分类"),
        max_length=10,
        blank=True,
        validators=[validate_industry_code],
        help_text=_("GB/T 4754 代码"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_park_operator = models.BooleanField(_("园区运营方"), default=False)
    reject_reason = models.TextField(_("驳回原因"), blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    # 上级节点前缀申请资料: what the upstream's enterprise application (openApi/v5/ent.md,
    # entBasicInfo) requires beyond the fields above. Optional when applying to the park; the
    # prefix application waits until they are complete (apps.sync.services.prefix_sync_enqueue).
    # Images are not kept here: the *_rid fields hold the numbers the upstream's file upload
    # (POST /snms/api/file/upload) answered with.
    org_nature = models.CharField(_("单位性质"), max_length=1, choices=OrgNature.choices, blank=True)
    licence_image_rid = models.CharField(
        _("营业执照图片编号"),
        max_length=20,
        blank=True,
        validators=[validate_resource_id],
        help_text=_("营业执照图片上传至上级节点后返回的文件编号"),
    )
    contact_id_type = models.CharField(
        _("联系人证件类型"), max_length=1, choices=IdDocumentType.choices, blank=True
    )
    contact_id_number = models.CharField(_("联系人证件号码"), max_length=32, blank=True)
    legal_name = models.CharField(_("法定代表人姓名"), max_length=128, blank=True)
    legal_id_type = models.CharField(
        _("法定代表人证件类型"), max_length=1, choices=IdDocumentType.choices, blank=True
    )
    legal_id_number = models.CharField(_("法定代表人证件号码"), max_length=32, blank=True)
    legal_id_front_rid = models.CharField(
        _("法定代表人证件正面图片编号"),
        max_length=20,
        blank=True,
        validators=[validate_resource_id],
        help_text=_("证件正面照片上传至上级节点后返回的文件编号"),
    )
    legal_id_back_rid = models.CharField(
        _("法定代表人证件反面图片编号"),
        max_length=20,
        blank=True,
        validators=[validate_resource_id],
        help_text=_("证件反面照片上传至上级节点后返回的文件编号"),
    )

    # Schemas are created on approval (services.enterprise_approve), not when an application is saved.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="enterprise_code_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self):
        super().clean()
        errors = {}
        for type_field, number_field in (
            ("contact_id_type", "contact_id_number"),
            ("legal_id_type", "legal_id_number"),
        ):
            doc_type = getattr(self, type_field)
            number = getattr(self, number_field).strip().upper()
            setattr(self, number_field, number)
            if number and not doc_type:
                errors[type_field] = _("请选择证件类型")
            elif doc_type and not number:
                errors[number_field] = _("请填写证件号码")
            elif doc_type:
                problem = id_document_problem(doc_type, number)
                if problem:
                    errors[number_field] = problem
        if errors:
            raise ValidationError(errors)

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Provision by cloning TENANT_BASE_SCHEMA (tables and its django_migrations rows).

        django-tenants follows a clone with a faked ``migrate_schemas``, which costs a full load
        of the migration graph and would also mark as applied any migration the base schema
        has not run yet. The clone already carries the base schema's migration history, and
        ``bootstrap`` keeps the base schema migrated, so the faked run is skipped here."""
        base = self.get_base_schema() if get_creation_fakes_migrations() else None
        if not (sync_schema and base and schema_exists(base)):
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        _check_schema_name(self.schema_name)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        _clone_schema(base, self.schema_name, self.clone_mode)
        connection.set_schema_to_public()
        return True


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")

    def __str__(self) -> str:
        return self.domain


class Park(TimeStampedModel):
    """The park's own settings: one row (the deployment serves one park)."""

    name = models.CharField(_("园区名称"), max_length=100)
    park_code = models.CharField(_("园区代码"), max_length=3, validators=[validate_park_code])
    country_code = models.CharField(_("国家代码"), max_length=8, default="88")
    node_mode = models.CharField(
        _("节点模式"), max_length=16, choices=NodeMode.choices, default=NodeMode.SECONDARY
    )
    domain = models.CharField(_("园区域名"), max_length=253, default="park.localhost")
    operator = models.OneToOneField(
        Enterprise,
        verbose_name=_("运营方"),
        on_delete=models.PROTECT,
        related_name="park",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix_root(self) -> str:
        """``88.101``: the part of every prefix in this park before the enterprise code."""
        return f"{self.country_code}.{self.park_code}"
