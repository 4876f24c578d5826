from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationDay(models.Model):
    """Identifiers registered on one day (park time) by one enterprise under one template: the
    summary the workbenches read instead of counting the registry. Folded in by
    ``services.registration_summary_refresh`` from the identifiers past ``SummaryMark``; the
    rows registered since are added live (a primary-key range, never the whole registry)."""

    day = models.DateField(_("日期"))
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    template = models.ForeignKey(
        "metadata.MetadataTemplate", verbose_name=_("模板"), on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveBigIntegerField(_("登记数"), default=0)

    class Meta:
        verbose_name = _("每日登记数")
        verbose_name_plural = _("每日登记数")
        constraints = [
            models.UniqueConstraint(fields=["day", "enterprise", "template"], name="registration_day_unique")
        ]
        indexes = [models.Index(fields=["enterprise", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.enterprise_id}/{self.template_id}: {self.count}"


class SummaryMark(models.Model):
    """How far a summary has read its source: ``last_id`` is the highest identifier id folded
    into RegistrationDay."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    last_id = models.BigIntegerField(_("已汇总至"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("汇总进度")
        verbose_name_plural = _("汇总进度")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
