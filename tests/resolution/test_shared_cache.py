"""The optional shared (Redis) copy of local records (``RESOLUTION_SHARED_CACHE``).

On (the default) an in-process miss reads the Redis copy first and the copy of a miss is
written later by the counters pusher; off, it reads the registry. Either way an invalidated
change is never answered with the old value, even when the old copy reaches Redis after the
invalidation.
"""

import uuid

import pytest
from django.test import override_settings

from apps.resolution import cache, counters
from tests.resolution import builders

pytestmark = pytest.mark.django_db


def _name(client, handle) -> str:
    response = client.get(f"/api/handles/{handle}")
    assert response.status_code == 200
    return response.json()["values"][0]["data"]["value"]


def _rename(ident, text: str) -> None:
    ident.values = [builders.value(2000, "name", text)]
    ident.save()


@override_settings(RESOLUTION_SHARED_CACHE=False)
def test_not_shared_a_miss_reads_the_registry(park_client, enterprise_a):
    ident = builders.identifier(enterprise_a, f"n-{uuid.uuid4().hex[:8]}")
    assert _name(park_client, ident.handle) == "1号路灯"
    counters.push_pending()
    assert cache.redis_client().get(cache.record_key(ident.handle.lower())) is None  # no copy kept
    _rename(ident, "改名路灯")
    cache.local.clear()  # another process: nothing in its memory
    assert _name(park_client, ident.handle) == "改名路灯"


@override_settings(RESOLUTION_SHARED_CACHE=True)
def test_shared_copy_is_read_and_a_late_old_copy_is_rejected(park_client, enterprise_a):
    ident = builders.identifier(enterprise_a, f"s-{uuid.uuid4().hex[:8]}")
    key = cache.record_key(ident.handle.lower())
    assert _name(park_client, ident.handle) == "1号路灯"
    counters.push_pending()  # the deferred copy of the miss
    assert cache.redis_client().get(key) is not None

    # another process reads the shared copy, not the registry (changed here without invalidation)
    _rename(ident, "改名路灯")
    cache.local.clear()
    assert _name(park_client, ident.handle) == "1号路灯"

    # a reader that loaded the old row before the change queues its copy; the change commits
    # and is invalidated; the old copy reaches Redis only afterwards and must be ignored
    cache.redis_client().delete(key)
    cache.local.clear()
    _rename(ident, "旧名")
    assert _name(park_client, ident.handle) == "旧名"  # miss: copy queued under the old version
    _rename(ident, "新名")
    cache.invalidate_handle(ident.handle)
    counters.push_pending()  # the late copy of "旧名"
    cache.local.clear()
    assert _name(park_client, ident.handle) == "新名"
