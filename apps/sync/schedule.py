"""Beat entries of the sync app (collected by park_portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "sync-drain": {"task": "apps.sync.tasks.sync_drain_task", "schedule": 15.0},
    "sync-prefix-status": {"task": "apps.sync.tasks.sync_prefix_status_task", "schedule": 300.0},
    # Daily: against a plain SNMS node reconciliation asks about identifiers one GET at a time.
    "sync-reconcile": {"task": "apps.sync.tasks.sync_reconcile_task", "schedule": crontab(hour=3, minute=17)},
}
