from django.db import models
from django.utils.translation import gettext_lazy as _


class ResolutionStat(models.Model):
    """Resolutions of one prefix in one hour, flushed from the Redis counters by a beat task.

    ``latency_buckets`` counts requests per fixed latency bucket (upper bounds in
    ``apps.resolution.counters.LATENCY_BUCKETS_MS``) so p50/p99 can be computed for any range
    by summing buckets; ``top`` keeps the most resolved handles of the hour.
    """

    hour = models.DateTimeField(_("小时"), db_index=True)
    prefix = models.CharField(_("前缀"), max_length=64)
    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolution_stats",
    )
    count = models.PositiveBigIntegerField(_("解析次数"), default=0)
    not_found = models.PositiveBigIntegerField(_("未找到次数"), default=0)
    latency_buckets = models.JSONField(_("延迟分布"), default=list, blank=True)
    top = models.JSONField(_("热门标识"), default=dict, blank=True)

    class Meta:
        verbose_name = _("解析统计")
        verbose_name_plural = _("解析统计")
        ordering = ["-hour", "prefix"]
        constraints = [models.UniqueConstraint(fields=["hour", "prefix"], name="resolution_stat_hour_prefix")]
        indexes = [models.Index(fields=["enterprise", "hour"])]

    def __str__(self) -> str:
        return f"{self.prefix} {self.hour:%Y-%m-%d %H}:00"
