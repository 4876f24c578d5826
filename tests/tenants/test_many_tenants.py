"""Park pages at many tenants (issue 18): the park dashboard, the enterprise list (page and API,
a search) and the park evaluation report read the same number of statements whether the park has
3 enterprises or 30 — nothing loops over enterprises or their schemas (tests/perf/bench_tenants.py
measures the same at 10,000)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.identifiers.models import Prefix
from apps.reports.selectors import Scope, report_data
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Enterprise, Park

pytestmark = pytest.mark.django_db

STATUSES = [
    EnterpriseStatus.ACTIVE,
    EnterpriseStatus.APPLIED,
    EnterpriseStatus.SUSPENDED,
    EnterpriseStatus.REJECTED,
]
PAGES = [
    "/",
    "/tenants/",
    "/tenants/?q=规模",
    "/tenants/?status=active",
    "/api/v1/tenants/enterprises/",
    "/api/v1/tenants/enterprises/?q=规模",
]


def add_enterprises(n: int, start: int = 0) -> None:
    """Registry rows with a prefix each (the park's pages never enter a tenant schema)."""
    park = Park.objects.get()
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                schema_name=f"ent_many{i:03d}",
                name=f"规模测试企业{i:03d}有限公司",
                code=f"MANY{i:03d}",
                credit_code=f"91320594MN{i:08d}",
                status=STATUSES[i % len(STATUSES)],
                contact_name="赵六",
                contact_phone="13800000000",
                contact_email=f"many{i}@example.com",
            )
            for i in range(start, start + n)
        ]
    )
    Prefix.objects.bulk_create(
        [Prefix(prefix=f"{park.prefix_root}.{e.code}", enterprise=e, status="active") for e in enterprises]
    )


def statements(client, path: str) -> int:
    client.get(path)  # warm: per-process caches fill on the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def report_statements() -> int:
    scope = Scope(start=dt.date(2026, 2, 16), end=dt.date(2026, 3, 17))
    report_data(scope, verify_audit=False)
    with CaptureQueriesContext(connection) as queries:
        report_data(scope, verify_audit=False)
    return len(queries)


def test_park_pages_read_as_many_statements_at_3_and_at_30_enterprises(
    park_client, park_admin, enterprise_a, enterprise_b, frozen_clock
):
    park_client.force_login(park_admin)
    add_enterprises(1)
    assert Enterprise.objects.filter(is_park_operator=False).count() == 3
    few = {path: statements(park_client, path) for path in PAGES}
    few["report"] = report_statements()

    add_enterprises(27, start=1)
    assert Enterprise.objects.filter(is_park_operator=False).count() == 30
    many = {path: statements(park_client, path) for path in PAGES}
    many["report"] = report_statements()

    assert many == few
