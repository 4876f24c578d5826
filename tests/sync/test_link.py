"""The upstream link: configured by the park administrator or the deployment settings, and
chosen by the park's node mode (secondary node: the national adapter or none at all)."""

from __future__ import annotations

import json

import pytest

from apps.audit.models import AuditEntry
from apps.identifiers.choices import PrefixStatus, UpstreamStatus
from apps.identifiers.models import Prefix
from apps.sync.adapters import SnmsAdapter, adapter_for, link_configured, link_get
from apps.sync.client import SnmsClient
from apps.sync.models import OutboxEntry, OutboxStatus, UpstreamLink
from apps.sync.services import prefix_sync_enqueue, sync_drain
from tests import factories
from tests.factories import PASSWORD
from tests.sync import registry
from tests.sync.node import API_PASSWORD, API_USER

pytestmark = pytest.mark.django_db


def snms_national(endpoint):
    """SYNC_NATIONAL_ADAPTER of these tests: the national node stood in for by the second node."""
    return SnmsAdapter(
        SnmsClient(base_url=endpoint.url, username=endpoint.username, password=endpoint.password)
    )


@pytest.fixture
def no_upstream_settings(settings):
    settings.UPSTREAM_NODE_URL = ""
    settings.UPSTREAM_NODE_USER = ""
    settings.UPSTREAM_NODE_PASSWORD = ""
    settings.SYNC_NATIONAL_ADAPTER = ""
    UpstreamLink.objects.all().delete()
    return settings


def test_an_empty_link_row_falls_back_to_the_settings(
    no_upstream_settings, enterprise_mode, up, upstream_prefixes, enterprise_a, admin_a
):
    link = link_get()  # created by the beat before anything was configured: url ""
    assert link.url == "" and not link_configured()
    assert sync_drain() == {"skipped": "no-upstream"}

    no_upstream_settings.UPSTREAM_NODE_URL = up.url
    no_upstream_settings.UPSTREAM_NODE_USER = API_USER
    no_upstream_settings.UPSTREAM_NODE_PASSWORD = API_PASSWORD
    assert link_configured()
    ident = registry.register(enterprise_a, admin_a, 1)
    assert sync_drain()["sent"] >= 1
    assert up.identifier_counts(ident.handle) == {ident.handle: 1}

    UpstreamLink.objects.update(enabled=False)
    assert not link_configured() and adapter_for(link_get()) is None


def test_park_admin_sets_the_upstream_on_the_sync_page(
    no_upstream_settings, enterprise_mode, park_admin, park_client
):
    park_client.login(username=park_admin.username, password=PASSWORD)
    page = park_client.get("/sync/")
    assert page.status_code == 200 and 'data-test="link-form"' in page.content.decode()
    assert not UpstreamLink.objects.exists()  # reading the page creates nothing

    form = {
        "url": "https://snms.example.cn",
        "username": "park",
        "password": "S3cret!",
        "batch_size": 800,
        "enabled": "on",
    }
    assert park_client.post("/sync/link/", form).status_code == 302
    link = UpstreamLink.objects.get()
    assert (link.url, link.username, link.password, link.batch_size, link.enabled) == (
        "https://snms.example.cn",
        "park",
        "S3cret!",
        800,
        True,
    )
    assert link_configured()
    entry = AuditEntry.objects.filter(action="sync.link_update").latest("id")
    assert entry.actor_user_id == park_admin.pk and "S3cret!" not in json.dumps(
        entry.changes, ensure_ascii=False
    )

    # An empty password keeps the stored one; unticking "enabled" disables the link.
    park_client.post("/sync/link/", dict(form, password="", enabled=""))
    link.refresh_from_db()
    assert link.password == "S3cret!" and not link.enabled and not link_configured()

    # Bad input: a clear message, nothing changed.
    response = park_client.post("/sync/link/", dict(form, url="not a url", batch_size=5000))
    assert response.status_code == 400
    errors = response.context["link_form"].errors
    assert set(errors) == {"url", "batch_size"} and "2000" in errors["batch_size"][0]
    assert 'class="error"' in response.content.decode()
    link.refresh_from_db()
    assert link.url == "https://snms.example.cn" and link.batch_size == 800


def test_only_the_park_admin_configures_the_upstream(no_upstream_settings, park_client):
    operator = factories.user("park_operator", park_role="park_operator")
    park_client.login(username=operator.username, password=PASSWORD)
    assert 'data-test="link-form"' not in park_client.get("/sync/").content.decode()
    response = park_client.post("/sync/link/", {"url": "https://x.example.cn", "batch_size": 10})
    assert response.status_code == 403
    assert not UpstreamLink.objects.exists()


def test_secondary_node_without_national_adapter_has_no_backlog(
    no_upstream_settings, up, park, park_admin, park_client, enterprise_a, admin_a, tenant_client
):
    # Even a configured address is not an upstream for a secondary node: the national
    # interface is not public and no adapter is set.
    UpstreamLink.objects.create(url=up.url, username=API_USER, password=API_PASSWORD)
    assert adapter_for(link_get()) is None and not link_configured()
    registry.register(enterprise_a, admin_a, 1)
    gamma = factories.ensure_enterprise("gamma")
    prefix = Prefix.objects.create(prefix="88.101.GAMMA", enterprise=gamma, status=PrefixStatus.ACTIVE)
    prefix_sync_enqueue(prefix)

    result = sync_drain()

    assert result["skipped"] == "no-upstream" and result["set_aside"] >= 2
    assert not OutboxEntry.objects.filter(status=OutboxStatus.PENDING).exists()
    prefix.refresh_from_db()
    assert prefix.upstream_status == UpstreamStatus.NOT_SENT  # not 待提交 forever

    park_client.login(username=park_admin.username, password=PASSWORD)
    page = park_client.get("/sync/").content.decode()
    assert 'data-test="pending">不适用' in page and 'data-test="lag">不适用' in page
    filing = json.loads(park_client.get("/sync/filing/?period=2026-10").content)
    assert filing["sla"]["sync_pending"] == 0

    admin_g = factories.member("admin_g", gamma, role="enterprise_admin")
    client = tenant_client(gamma)
    client.force_login(admin_g)
    body = client.get("/sync/prefix/").content.decode()
    assert 'data-test="upstream-status">不适用' in body


def test_secondary_node_with_a_national_adapter_syncs_through_it(
    no_upstream_settings, up, upstream_prefixes, enterprise_a, admin_a
):
    no_upstream_settings.SYNC_NATIONAL_ADAPTER = "tests.sync.test_link.snms_national"
    UpstreamLink.objects.create(url=up.url, username=API_USER, password=API_PASSWORD)
    assert link_configured()
    ident = registry.register(enterprise_a, admin_a, 2)

    result = sync_drain()

    assert result["sent"] >= 1 and not result["error"]
    assert up.identifier_counts(ident.handle) == {ident.handle: 1}


def test_rows_set_aside_without_an_upstream_go_once_there_is_one(
    no_upstream_settings, up, upstream_prefixes, enterprise_a, admin_a
):
    UpstreamLink.objects.create(url=up.url, username=API_USER, password=API_PASSWORD)
    ident = registry.register(enterprise_a, admin_a, 3)
    assert sync_drain()["set_aside"] >= 1
    assert OutboxEntry.objects.get(handle=ident.handle).status == OutboxStatus.NO_UPSTREAM

    no_upstream_settings.SYNC_NATIONAL_ADAPTER = "tests.sync.test_link.snms_national"
    assert sync_drain()["sent"] >= 1
    assert OutboxEntry.objects.get(handle=ident.handle).status == OutboxStatus.SENT
    assert up.identifier_counts(ident.handle) == {ident.handle: 1}
