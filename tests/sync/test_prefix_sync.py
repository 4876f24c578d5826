"""An approved enterprise prefix is applied for at the upstream node and its status followed."""

from __future__ import annotations

import pytest

from apps.identifiers.choices import PrefixStatus, UpstreamStatus
from apps.identifiers.models import Prefix
from apps.sync.models import OutboxEntry, OutboxOperation, OutboxStatus
from apps.sync.services import prefix_status_refresh, prefix_sync_enqueue, sync_drain
from tests import factories
from tests.sync.applications import KYC

pytestmark = pytest.mark.django_db


def test_prefix_applied_upstream_reviewed_and_shown_to_park_and_enterprise(
    link, up, park_admin, tenant_client
):
    gamma = factories.ensure_enterprise("gamma")
    prefix = Prefix.objects.create(prefix="88.101.GAMMA", enterprise=gamma, status=PrefixStatus.ACTIVE)

    prefix_sync_enqueue(prefix, kyc=KYC)

    entry = OutboxEntry.objects.get(operation=OutboxOperation.PREFIX_APPLY, handle="88.101.GAMMA")
    prefix.refresh_from_db()
    assert prefix.upstream_status == UpstreamStatus.PENDING

    assert sync_drain()["sent"] == 1
    entry.refresh_from_db()
    prefix.refresh_from_db()
    assert entry.status == OutboxStatus.SENT
    assert prefix.upstream_status == UpstreamStatus.UNDER_REVIEW
    # The upstream holds an application for the enterprise (its own review queue).
    rows = up.sql("SELECT name, credit_code, status FROM tenants_enterprise WHERE lower(code) = 'gamma'")
    assert rows == [(gamma.name, gamma.credit_code, "applied")]

    # Still under review upstream: the beat task leaves it so.
    assert prefix_status_refresh()["changed"] == 0

    up.approve_applications()
    assert prefix_status_refresh()["changed"] == 1
    prefix.refresh_from_db()
    assert prefix.upstream_status == UpstreamStatus.ACTIVE

    # Shown to the park on the sync page and to the enterprise on its domain.
    from django.test import Client

    park = Client(HTTP_HOST="park.localhost")
    park.force_login(park_admin)
    assert "88.101.GAMMA" in park.get("/sync/").content.decode()
    admin_g = factories.member("admin_g", gamma, role="enterprise_admin")
    client = tenant_client(gamma)
    client.force_login(admin_g)
    page = client.get("/sync/prefix/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "88.101.GAMMA" in body and str(UpstreamStatus.ACTIVE.label) in body
