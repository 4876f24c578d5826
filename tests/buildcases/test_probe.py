"""The availability probe resolves a handle under the case's prefix through the Handle REST API:
a resolver that answers found (1) or not found (100) is up, an error answer is not."""

import pytest

from apps.buildcases import services
from apps.identifiers.models import Prefix

pytestmark = pytest.mark.django_db(transaction=True)


def test_probe_resolves_the_case_prefix(settings, live_url, park_admin, enterprise_a, secondary_case):
    case = services.case_create(
        actor=park_admin, title="Alpha 企业节点", mode="enterprise", enterprise=enterprise_a
    )
    Prefix.objects.create(prefix="88.101.ALPHA", enterprise=enterprise_a, status="active")
    settings.BUILDCASE_PROBE_URL = live_url("park.localhost")

    url = f"{live_url('park.localhost')}/api/handles/88.101.ALPHA/{services.PROBE_SUFFIX}"
    assert services.probe_url_for(case) == url
    snapshot = services.monitoring_snapshot_take(case=case)
    assert snapshot.probe_ok, snapshot.probe_error  # Handle code 100: resolved, not registered
    assert snapshot.probe_url == url and snapshot.probe_status == 404

    # The park's own case resolves under the park prefix.
    assert services.probe_url_for(secondary_case).endswith(f"/api/handles/88.101/{services.PROBE_SUFFIX}")
    assert services.monitoring_snapshot_take(case=secondary_case).probe_ok

    # A resolver that answers with an error code is down.
    settings.BUILDCASE_PROBE_URL = f"{live_url('park.localhost')}/api/handles/bad"
    snapshot = services.monitoring_snapshot_take(case=secondary_case)
    assert not snapshot.probe_ok and "解析应答码" in snapshot.probe_error
