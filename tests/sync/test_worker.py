"""The real path: a registration commits, the outbox kicks a Celery worker, the worker drains."""

from __future__ import annotations

import pytest

from apps.sync.models import OutboxEntry, OutboxStatus, UpstreamLink
from apps.tasks.models import TaskRun
from tests.conftest import wait_for
from tests.sync import registry
from tests.sync.node import API_PASSWORD, API_USER

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_registration_reaches_the_upstream_through_the_worker(
    celery_worker, up, upstream_prefixes, enterprise_mode, enterprise_a, admin_a, settings
):
    settings.SYNC_KICK_ON_COMMIT = True
    UpstreamLink.objects.all().delete()
    UpstreamLink.objects.create(url=up.url, username=API_USER, password=API_PASSWORD, timeout_seconds=30)

    idents = registry.register_many(enterprise_a, admin_a, range(3))

    wait_for(lambda: not OutboxEntry.objects.exclude(status=OutboxStatus.SENT).exists(), timeout=60)
    counts = up.identifier_counts("88.101.ALPHA/%")
    assert all(counts.get(i.handle) == 1 for i in idents)
    assert TaskRun.objects.filter(task_name="apps.sync.batch", state="succeeded").exists()
