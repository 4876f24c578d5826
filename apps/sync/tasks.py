"""Celery entry points of the sync app: each calls one service and is safe to run twice."""

from celery import shared_task

from apps.sync import services
from apps.tasks.base import TrackedTask


@shared_task(name="apps.sync.tasks.sync_drain_task", ignore_result=True)
def sync_drain_task() -> dict:
    # Each batch writes its own TaskRun (services._drain_one); this wrapper is not tracked itself
    # so a beat tick with nothing to send leaves no row behind.
    return services.sync_drain()


@shared_task(name="apps.sync.tasks.sync_prefix_status_task", base=TrackedTask, bind=True)
def sync_prefix_status_task(self) -> dict:
    return services.prefix_status_refresh()


@shared_task(name="apps.sync.tasks.sync_reconcile_task", base=TrackedTask, bind=True)
def sync_reconcile_task(self) -> dict:
    return services.sync_reconcile()
