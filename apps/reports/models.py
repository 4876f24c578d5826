from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.reports.choices import FilingStatus, ReportKind, ReportStatus, ServiceEventKind


class Report(TimeStampedModel):
    """A generated PDF for a period: park evaluation, one enterprise, or the monthly filing.
    The row exists from the request on; the tracked task fills ``file`` and ``summary``."""

    kind = models.CharField(_("报告类型"), max_length=32, choices=ReportKind.choices, db_index=True)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        help_text=_("企业报告的所属企业；园区报告为空"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING, db_index=True
    )
    file = models.FileField(_("文件"), upload_to="reports/%Y/%m/", blank=True)
    pages = models.PositiveIntegerField(_("页数"), default=0)
    # Key figures as printed (so the list page and the tests can read them without parsing the PDF)
    summary = models.JSONField(_("主要数据"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    task_run = models.ForeignKey(
        "tasks.TaskRun",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    # The requester's language: the worker writes the PDF in it (the beat's filing: the default)
    language = models.CharField(
        _("报告语言"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}~{self.period_end}"

    @property
    def filename(self) -> str:
        who = f"-{self.enterprise.code}" if self.enterprise_id else ""
        return f"{self.kind}{who}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}.pdf"


class FilingReport(TimeStampedModel):
    """月度报备: the monthly filing to the top-level node, as JSON (``body``) with its PDF."""

    period_start = models.DateField(_("报备月份"), unique=True, help_text=_("该月第一天"))
    period_end = models.DateField(_("结束日期"))
    body = models.JSONField(_("报备内容"), default=dict)
    report = models.ForeignKey(
        Report,
        verbose_name=_("PDF 报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filings",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    upstream_response = models.TextField(_("上级节点反馈"), blank=True)

    class Meta:
        verbose_name = _("月度报备")
        verbose_name_plural = _("月度报备")
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m}"


class ServiceEvent(TimeStampedModel):
    """A maintenance window or an emergency of the node, recorded by the park operator; the
    monthly filing lists those of its month and counts unplanned downtime against availability."""

    kind = models.CharField(_("类型"), max_length=16, choices=ServiceEventKind.choices, db_index=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    service_interrupted = models.BooleanField(_("服务中断"), default=False)

    class Meta:
        verbose_name = _("服务事件")
        verbose_name_plural = _("服务事件")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.title


class AuditCheckpoint(models.Model):
    """How far the audit hash chain is known good, so a report verifies only the entries
    written since (the whole chain is verified again by the nightly task, which also catches
    tampering before the checkpoint). One row."""

    last_id = models.BigIntegerField(_("已校验至记录编号"), default=0)
    last_hash = models.CharField(_("该记录哈希"), max_length=64, blank=True)
    verified_at = models.DateTimeField(_("校验时间"), null=True, blank=True)
    full_verified_at = models.DateTimeField(_("最近全量校验时间"), null=True, blank=True)
    full_ok = models.BooleanField(_("全量校验通过"), null=True, blank=True)
    full_checked = models.BigIntegerField(_("全量校验条数"), default=0)
    full_bad_id = models.BigIntegerField(_("全量校验首个异常记录"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计链校验点")
        verbose_name_plural = _("审计链校验点")

    def __str__(self) -> str:
        return f"#{self.last_id}"
