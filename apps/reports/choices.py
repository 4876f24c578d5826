from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    PARK_EVALUATION = "park_evaluation", _("园区标识一体化评估报告")
    ENTERPRISE = "enterprise", _("企业标识报告")
    MONTHLY_FILING = "monthly_filing", _("月度报备")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("待报送")
    SUBMITTED = "submitted", _("已报送")
    FAILED = "failed", _("报送失败")


class ServiceEventKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("服务维护")
    EMERGENCY = "emergency", _("紧急情况")
