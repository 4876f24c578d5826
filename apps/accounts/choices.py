from django.db import models
from django.utils.translation import gettext_lazy as _


class ParkRole(models.TextChoices):
    NONE = "", _("无")
    PARK_ADMIN = "park_admin", _("园区管理员")
    PARK_OPERATOR = "park_operator", _("园区运营人员")
    PARK_AUDITOR = "park_auditor", _("园区审计员")
    PARK_FINANCE = "park_finance", _("财务人员")


class EnterpriseRole(models.TextChoices):
    ENTERPRISE_ADMIN = "enterprise_admin", _("企业管理员")
    ENTERPRISE_MEMBER = "enterprise_member", _("企业成员")
    ENTERPRISE_FINANCE = "enterprise_finance", _("财务")
