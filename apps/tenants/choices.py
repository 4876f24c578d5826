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
