from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    APPROVED = "approved", _("已批准")
    ACTIVE = "active", _("已开通")
    REJECTED = "rejected", _("已驳回")
    SUSPENDED = "suspended", _("已暂停")


class NodeMode(models.TextChoices):
    SECONDARY = "secondary", _("二级节点")
    ENTERPRISE = "enterprise", _("企业节点")


class OrgNature(models.TextChoices):
    """单位性质 (openApi/v5/ent.md, entBasicInfo.orgNature)."""

    STATE_HOLDING = "1", _("国有控股")
    PRIVATE_HOLDING = "2", _("民营控股")
    FOREIGN_HOLDING = "3", _("外商控股")
    PUBLIC_INSTITUTION = "4", _("事业单位")
    PRIVATE_NON_PROFIT = "5", _("民营非盈利组织")


class IdDocumentType(models.TextChoices):
    """证件类型 of the contact and the legal representative (entBasicInfo.contactCrtType; the
    documentation gives legalCrtType no list of its own, the same codes are used)."""

    RESIDENT_ID = "1", _("中国居民身份证")
    PASSPORT = "2", _("护照")
    OTHER = "3", _("其他")
