"""Webhook subscriptions and their outbox (public schema).

A Delivery is written by apps.webhooks.receivers inside the transaction of the audit entry it
announces, and drained in id order per subscription by apps.webhooks.delivery."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.webhooks.choices import DeliveryState, EventKind


class WebhookSettings(models.Model):
    """The park's webhook policy (one row)."""

    allow_internal_targets = models.BooleanField(
        _("允许内网地址"),
        default=False,
        help_text=_("允许订阅地址解析到回环、私有、链路本地或保留地址（仅在园区内网系统需要时打开）"),
    )

    class Meta:
        verbose_name = _("事件订阅设置")
        verbose_name_plural = _("事件订阅设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Subscription(TimeStampedModel):
    """A URL subscribed to event kinds. Owned by the park operator (park-wide events) or by an
    enterprise (its own events only)."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("订阅方"), on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(_("接收地址"), max_length=500)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    kinds = ArrayField(models.CharField(max_length=40, choices=EventKind.choices), verbose_name=_("事件类型"))
    secret = models.CharField(_("签名密钥"), max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    paused_reason = models.TextField(_("暂停原因"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事件订阅")
        verbose_name_plural = _("事件订阅")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One event for one subscription: the outbox row, then its log."""

    uid = models.UUIDField(_("投递 ID"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("订阅"), on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(_("事件类型"), max_length=40, choices=EventKind.choices)
    audit_entry_id = models.BigIntegerField(_("审计日志 ID"))
    body = models.TextField(_("请求体"))
    state = models.CharField(
        _("状态"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    # A worker holds the rows it is sending until lease_until; past it, another worker takes them.
    lease_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件投递")
        verbose_name_plural = _("事件投递")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["subscription", "id"],
                name="webhook_pending_idx",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["subscription", "-id"], name="webhook_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.uid}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: what was sent and what came back."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("投递"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(_("时间"))
    request_headers = models.JSONField(_("请求头"), default=dict)
    response_status = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    response_body = models.TextField(_("响应体"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("投递尝试")
        verbose_name_plural = _("投递尝试")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.response_status or self.error[:40]}"
