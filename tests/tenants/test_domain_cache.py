"""A suspension made by another web process closes the enterprise's domain here at once, not
after this process's tenant cache expires."""

from __future__ import annotations

import pytest

from apps.tenants import middleware
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Enterprise
from apps.tenants.services import enterprise_resume, enterprise_suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_another_process(monkeypatch):
    """Writes in this test behave as if made in another process: this process's own cache is
    not cleared by them, only the park-wide version in Redis moves."""
    monkeypatch.setattr(middleware, "_local_forget", lambda: None)


def test_suspension_elsewhere_closes_the_domain_on_the_next_request(
    enterprise_a, admin_a, park_admin, tenant_client, as_another_process, django_capture_on_commit_callbacks
):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    assert client.get("/").status_code == 200
    assert "alpha.park.localhost" in middleware._DOMAIN_CACHE  # this process has it cached

    with django_capture_on_commit_callbacks(execute=True):
        enterprise_suspend(enterprise=enterprise_a, actor=park_admin)
    assert "alpha.park.localhost" in middleware._DOMAIN_CACHE  # not cleared here...
    assert client.get("/").status_code == 403  # ...and still refused at once

    with django_capture_on_commit_callbacks(execute=True):
        enterprise_resume(enterprise=enterprise_a, actor=park_admin)
    assert client.get("/").status_code == 200


def test_redis_unavailable_reads_the_tenant_again(enterprise_a, admin_a, tenant_client, monkeypatch):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    assert client.get("/").status_code == 200

    def down():
        raise ConnectionError("redis down")

    monkeypatch.setattr(middleware, "_redis", down)
    Enterprise.objects.filter(pk=enterprise_a.pk).update(status=EnterpriseStatus.SUSPENDED)
    assert client.get("/").status_code == 403


def test_the_tenant_check_costs_no_redis_read_on_the_park_domain_and_one_on_an_enterprise_domain(
    park_client, enterprise_a, admin_a, tenant_client, monkeypatch
):
    real = middleware._redis()
    reads = []

    class CountingRedis:
        def get(self, key):
            reads.append(key)
            return real.get(key)

        def incr(self, key):
            return real.incr(key)

    monkeypatch.setattr(middleware, "_redis", CountingRedis)
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    park_client.get("/accounts/login/")
    client.get("/")  # both domains are cached now
    reads.clear()

    assert park_client.get("/accounts/login/").status_code == 200
    assert reads == []
    assert client.get("/").status_code == 200
    assert len(reads) == 1
