from django.db import models
from django.utils.translation import gettext_lazy as _


class PrefixStatus(models.TextChoices):
    PENDING = "pending", _("待生效")
    ACTIVE = "active", _("已生效")
    SUSPENDED = "suspended", _("已暂停")
    REVOKED = "revoked", _("已注销")


class UpstreamStatus(models.TextChoices):
    """A prefix's state at the upstream node (sync issue)."""

    NOT_SENT = "not_sent", _("未提交")
    PENDING = "pending", _("待提交")
    UNDER_REVIEW = "under_review", _("审核中")
    ACTIVE = "active", _("已生效")
    REJECTED = "rejected", _("已驳回")


class IdentifierStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    WITHDRAWN = "withdrawn", _("已注销")
