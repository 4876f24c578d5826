"""Restricted identifier data: lives only in the owning enterprise's schema.

Values that are not (一级 and public) never reach the public schema: the registration service
writes them here, inside the same transaction as the registry row (one database, so one
PostgreSQL transaction spans both schemas). Rows point at the public Identifier by id
without a database constraint (the registry lives in another schema).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class RestrictedValues(TimeStampedModel):
    """The restricted values of one identifier, in Handle form plus the item's grade:
    ``[{"index", "type", "data": {"format", "value"}, "ttl", "timestamp", "grade"}, ...]``."""

    identifier_id = models.BigIntegerField(_("标识 ID"), unique=True)
    handle = models.CharField(_("标识"), max_length=255, db_index=True)
    values = models.JSONField(_("受限标识值"), default=list, blank=True)

    class Meta:
        verbose_name = _("受限标识值")
        verbose_name_plural = _("受限标识值")

    def __str__(self) -> str:
        return self.handle

    def as_dict(self) -> dict[str, str]:
        """{item code: value}."""
        return {str(v.get("type")): str((v.get("data") or {}).get("value", "")) for v in self.values or []}


def attachment_path(instance: "Attachment", filename: str) -> str:
    from django.db import connection

    schema = getattr(connection, "schema_name", "public") or "public"
    return f"enterprise/{schema}/identifiers/{instance.identifier_id or 'new'}/{filename}"


class Attachment(TimeStampedModel):
    """A file uploaded for a file-type item. The item's value is ``attachment:<id>``."""

    identifier_id = models.BigIntegerField(_("标识 ID"), null=True, blank=True, db_index=True)
    item_code = models.CharField(_("数据项"), max_length=64, blank=True)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def reference(self) -> str:
        return f"attachment:{self.pk}"
