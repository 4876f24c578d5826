"""Celery application.

tenant-schemas-celery's CeleryApp carries the current schema with every task it sends, so a
task queued inside a tenant runs inside that tenant's schema on the worker.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "park_portal.settings")

app = CeleryApp("park_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _collect_beat_schedule() -> dict:
    """Each app may declare ``BEAT_SCHEDULE`` in ``apps/<app>/schedule.py`` (plain data)."""
    from importlib import import_module

    from park_portal.urls_common import PORTAL_APPS

    schedule: dict = {}
    for name in PORTAL_APPS:
        try:
            module = import_module(f"apps.{name}.schedule")
        except ModuleNotFoundError as exc:
            if not exc.name or not f"apps.{name}.schedule".startswith(exc.name):
                raise
            continue
        schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
    return schedule


@app.on_after_configure.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = {**(sender.conf.beat_schedule or {}), **_collect_beat_schedule()}
