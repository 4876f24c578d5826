"""Beat entries of the webhooks app (collected by park_portal/celery.py): retries whose backoff
ran out and leases left by a dead worker are picked up by this drain."""

BEAT_SCHEDULE = {
    "webhook-drain": {"task": "apps.webhooks.tasks.webhook_drain_task", "schedule": 10.0},
}
