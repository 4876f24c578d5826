"""Writes of the webhooks app: subscriptions, the park's policy, redelivery, the pause notice.
The outbox itself is written by apps.webhooks.receivers and drained by apps.webhooks.delivery."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.webhooks import signing
from apps.webhooks.choices import DeliveryState, EventKind
from apps.webhooks.models import Delivery, Subscription, WebhookSettings
from apps.webhooks.targets import target_check

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 20  # per subscriber


def _actor_kwargs(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {}
    return {"actor": actor.get_username(), "actor_user_id": actor.pk}


def _audit(action: str, subscription: Subscription, actor, *, before=None, after=None) -> None:
    audit_write(
        action=action,
        object_type="webhooks.Subscription",
        object_id=subscription.pk,
        object_repr=subscription.url,
        before=before,
        after=after,
        tenant_schema=subscription.enterprise.schema_name,
        **_actor_kwargs(actor),
    )


def _clean_kinds(kinds) -> list[str]:
    kinds = [str(k) for k in (kinds or [])]
    unknown = [k for k in kinds if k not in EventKind.values]
    if unknown:
        message = _("未知的事件类型：%(kinds)s") % {"kinds": ", ".join(unknown)}
        raise ApplicationError(message, errors={"kinds": [message]})
    if not kinds:
        message = _("请至少选择一种事件类型")
        raise ApplicationError(message, errors={"kinds": [message]})
    return sorted(set(kinds), key=EventKind.values.index)


def _clean_url(url: str) -> str:
    from apps.webhooks.delivery import allow_internal_targets

    url = (url or "").strip()
    if len(url) > 500:
        message = _("订阅地址不能超过 500 个字符")
        raise ApplicationError(message, errors={"url": [message]})
    target_check(url, allow_internal=allow_internal_targets())
    return url


def subscription_create(*, owner, actor, url: str, kinds, description: str = "") -> Subscription:
    """Subscribe ``url`` to ``kinds`` for ``owner`` (the park operator or an enterprise). The URL
    is refused when it resolves to an internal address the park does not allow (SSRF)."""
    url = _clean_url(url)
    kinds = _clean_kinds(kinds)
    with transaction.atomic():
        if Subscription.objects.filter(enterprise=owner).count() >= MAX_SUBSCRIPTIONS:
            raise ApplicationError(_("最多可创建 %(n)d 个订阅") % {"n": MAX_SUBSCRIPTIONS}, code="limit")
        subscription = Subscription(
            enterprise=owner,
            url=url,
            kinds=kinds,
            description=(description or "").strip()[:200],
            secret=signing.new_secret(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        subscription.full_clean()
        subscription.save()
        _audit("webhook.subscribe", subscription, actor, after={"url": url, "kinds": kinds})
    return subscription


def subscription_update(
    *,
    subscription: Subscription,
    actor,
    url: str | None = None,
    kinds=None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Subscription:
    before = {"url": subscription.url, "kinds": list(subscription.kinds), "is_active": subscription.is_active}
    if url is not None:
        subscription.url = _clean_url(url)
    if kinds is not None:
        subscription.kinds = _clean_kinds(kinds)
    if description is not None:
        subscription.description = description.strip()[:200]
    if is_active is not None:
        subscription.is_active = is_active
    with transaction.atomic():
        subscription.full_clean()
        subscription.save()
        after = {
            "url": subscription.url,
            "kinds": list(subscription.kinds),
            "is_active": subscription.is_active,
        }
        _audit("webhook.update", subscription, actor, before=before, after=after)
    return subscription


def subscription_delete(*, subscription: Subscription, actor) -> None:
    with transaction.atomic():
        _audit("webhook.delete", subscription, actor, before={"url": subscription.url})
        subscription.delete()


def subscription_rotate_secret(*, subscription: Subscription, actor) -> Subscription:
    with transaction.atomic():
        subscription.secret = signing.new_secret()
        subscription.save(update_fields=["secret", "updated_at"])
        _audit("webhook.rotate_secret", subscription, actor)
    return subscription


def subscription_resume(*, subscription: Subscription, actor) -> Subscription:
    """Lift a pause: the waiting head is tried now, with its failure count started afresh."""
    from apps.webhooks.delivery import webhook_kick

    with transaction.atomic():
        before = {"paused_reason": subscription.paused_reason}
        subscription.paused_at = None
        subscription.paused_reason = ""
        subscription.save(update_fields=["paused_at", "paused_reason", "updated_at"])
        Delivery.objects.filter(subscription=subscription, state=DeliveryState.PENDING).update(
            next_attempt_at=timezone.now(), attempts=0
        )
        _audit("webhook.resume", subscription, actor, before=before, after={"paused_reason": ""})
        transaction.on_commit(webhook_kick)
    return subscription


def delivery_redeliver(*, delivery: Delivery, actor) -> Delivery:
    """Send a delivery again, with the same id and body (the receiver may have lost it)."""
    from apps.webhooks.delivery import webhook_kick

    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), delivered_at=None
        )
        _audit("webhook.redeliver", delivery.subscription, actor, after={"delivery": str(delivery.uid)})
        transaction.on_commit(webhook_kick)
    delivery.refresh_from_db()
    return delivery


def webhook_settings_update(*, actor, allow_internal_targets: bool) -> WebhookSettings:
    with transaction.atomic():
        row = WebhookSettings.objects.select_for_update().order_by("pk").first() or WebhookSettings()
        before = {"allow_internal_targets": row.allow_internal_targets if row.pk else False}
        row.allow_internal_targets = bool(allow_internal_targets)
        row.save()
        audit_write(
            action="webhook.settings_update",
            object_type="webhooks.WebhookSettings",
            object_id=row.pk,
            object_repr=str(row),
            before=before,
            after={"allow_internal_targets": row.allow_internal_targets},
            tenant_schema="public",
            **_actor_kwargs(actor),
        )
    return row


# ---------------------------------------------------------------- the pause notice
PAUSED_SUBJECT = gettext_lazy("【事件订阅】%(url)s 已暂停投递")
PAUSED_BODY = gettext_lazy(
    "您的事件订阅 %(url)s 已暂停投递：%(reason)s\n\n"
    "未送达的事件已保留，不会丢失。请检查接收方后，在“事件订阅”页面点击“恢复投递”。\n"
)


def recipients(subscription: Subscription) -> list[str]:
    """The subscriber's administrators: the park's administrators for a park subscription, the
    enterprise's administrators and contact for an enterprise's."""
    from apps.accounts.models import Membership, User
    from apps.webhooks.permissions import ENTERPRISE_ROLES, PARK_ROLES

    owner = subscription.enterprise
    if owner.is_park_operator:
        emails = list(
            User.objects.filter(is_active=True, park_role__in=PARK_ROLES).values_list("email", flat=True)
        )
    else:
        emails = [owner.contact_email] + list(
            Membership.objects.filter(
                enterprise=owner, role__in=ENTERPRISE_ROLES, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    return sorted({e for e in emails if e})


def subscription_notify_paused(*, subscription_id: int) -> None:
    """Mail the subscriber's administrators (after commit); the page shows the pause too."""
    from django.core.mail import send_mail

    subscription = Subscription.objects.select_related("enterprise").get(pk=subscription_id)
    to = recipients(subscription)
    audit_write(
        action="webhook.pause",
        object_type="webhooks.Subscription",
        object_id=subscription.pk,
        object_repr=subscription.url,
        after={"paused_reason": subscription.paused_reason, "notified": len(to)},
        tenant_schema=subscription.enterprise.schema_name,
        actor="system",
    )
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        params = {"url": subscription.url, "reason": subscription.paused_reason}
        subject, body = str(PAUSED_SUBJECT) % params, str(PAUSED_BODY) % params

    def send():
        try:
            send_mail(subject, body, None, to)
        except Exception:
            log.exception("webhook pause notice for subscription %s failed", subscription_id)

    transaction.on_commit(send)
