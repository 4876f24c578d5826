from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One append-only, hash-chained entry. The database refuses UPDATE and DELETE on this
    table (trigger in migration 0002); ``manage.py audit_verify`` recomputes the chain."""

    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor_user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor = models.CharField(_("操作者"), max_length=150, help_text=_("用户名、任务名或 system"))
    tenant_schema = models.CharField(_("租户"), max_length=63, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象 ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True, help_text=_("{字段: [修改前, 修改后]}"))
    request_id = models.CharField(_("请求 ID"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-id"]
        # Only the indexes the auditor's filters use (every import writes each of them):
        # tenant, action prefix (pattern ops also serve equality), object history.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["tenant_schema"], name="audit_tenant_idx"),
            models.Index(fields=["action"], name="audit_action_idx", opclasses=["varchar_pattern_ops"]),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_type}:{self.object_id}"
