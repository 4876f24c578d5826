"""Import jobs. The table exists in the public schema (the park operator imports park
facilities) and in every enterprise schema (an enterprise imports its own objects)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.imports.choices import FileFormat, ImportState


def _upload_to(instance: ImportJob, filename: str) -> str:
    # Schema in the path: enterprises' files never share a folder.
    schema = getattr(connection, "schema_name", "public") or "public"
    return f"imports/{schema}/{uuid.uuid4().hex}/{filename}"


# The table also lives in every enterprise schema; foreign keys from there into public tables
# are kept without database constraints (db_constraint=False), or truncating the public
# tables (test flushes, tenant clean-up) would be refused.
_XS = {"db_constraint": False}


class ImportJob(TimeStampedModel):
    """One uploaded file: read and checked in the background (dry run), then applied in one
    transaction on confirmation."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+", **_XS
    )
    template_version = models.ForeignKey(
        "metadata.TemplateVersion",
        verbose_name=_("模板版本"),
        on_delete=models.PROTECT,
        related_name="+",
        **_XS,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **_XS,
    )
    file = models.FileField(_("文件"), upload_to=_upload_to, max_length=300)
    original_name = models.CharField(_("文件名"), max_length=255)
    file_format = models.CharField(_("文件格式"), max_length=8, choices=FileFormat.choices)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    # Rows as read in the dry run (raw cell values, JSON lines): the apply step reads them
    # instead of parsing the spreadsheet a second time.
    parsed_file = models.FileField(_("解析结果"), upload_to=_upload_to, max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ImportState.choices, default=ImportState.UPLOADED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    create_count = models.PositiveIntegerField(_("新增"), default=0)
    update_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # [{"row": 5, "column": "长度", "message": "..."}]
    errors = models.JSONField(_("错误"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)
    validate_run = models.ForeignKey(
        "tasks.TaskRun",
        verbose_name=_("校验任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **_XS,
    )
    apply_run = models.ForeignKey(
        "tasks.TaskRun",
        verbose_name=_("导入任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **_XS,
    )
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    # The uploader's language: the background checks write their messages in it.
    language = models.CharField(_("语言"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} #{self.pk}"

    @property
    def can_confirm(self) -> bool:
        return self.state == ImportState.VALIDATED and self.error_count == 0
