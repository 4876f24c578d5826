from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tasks.choices import TaskState


class TaskRun(models.Model):
    """A tracked long job a user can watch: imports, sync batches, reports, build steps."""

    task_name = models.CharField(_("任务"), max_length=200, db_index=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    celery_id = models.CharField(_("Celery 任务 ID"), max_length=64, blank=True, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("租户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="task_runs",
    )
    schema_name = models.CharField(_("Schema"), max_length=63, default="public")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=TaskState.choices, default=TaskState.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("消息"), blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("任务运行")
        verbose_name_plural = _("任务运行")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title or self.task_name} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in (TaskState.SUCCEEDED, TaskState.FAILED)
