from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    FILE = "file", _("文件")
    RECORD = "json", _("JSON 记录")


class InclusionState(models.TextChoices):
    PENDING = "pending", _("待签名树头")
    INCLUDED = "included", _("已收录")
    WITNESSED = "witnessed", _("已见证")


class AlertKind(models.TextChoices):
    SPLIT_VIEW = "split_view", _("分叉视图")
    TAMPER = "tamper", _("篡改")
    WITNESS = "witness", _("见证失败")
    ANCHOR = "anchor", _("上链失败")


class AnchorState(models.TextChoices):
    PENDING = "pending", _("待上链")
    SENT = "sent", _("已上链")
    FAILED = "failed", _("上链失败")
