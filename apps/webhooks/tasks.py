"""Celery entry points of the webhooks app: each calls one service and is safe to run twice."""

from celery import shared_task

from apps.webhooks import delivery


@shared_task(name="apps.webhooks.tasks.webhook_drain_task", ignore_result=True)
def webhook_drain_task() -> dict:
    # Not tracked: a beat tick with nothing to send must leave no TaskRun behind; the delivery
    # log is the record.
    return delivery.webhook_drain()
