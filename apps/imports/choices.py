from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    VALIDATING = "validating", _("校验中")
    VALIDATED = "validated", _("校验通过，待确认")
    INVALID = "invalid", _("有错误")
    APPLYING = "applying", _("导入中")
    APPLIED = "applied", _("已导入")
    FAILED = "failed", _("失败")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    CSV = "csv", "CSV"
