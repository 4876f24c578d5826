"""/api/v1/sync/: the sync page's figures, outbox rows and the retry button for systems, with
the page's roles; schemathesis."""

from __future__ import annotations

import pytest
import schemathesis
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.sync.models import OutboxEntry, OutboxStatus
from tests.openapi import assert_conforms


def api(user, host: str = "park.localhost") -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


@pytest.fixture
def rows(park):
    make = OutboxEntry.objects.create
    return [
        make(operation="create", handle="88.101.ALPHA/a1", status=OutboxStatus.SENT),
        make(operation="create", handle="88.101.ALPHA/a2", status=OutboxStatus.FAILED, last_error="拒绝"),
        make(operation="update", handle="88.101.ALPHA/a2", status=OutboxStatus.FAILED, last_error="拒绝"),
        make(operation="create", handle="88.101.BETA/b1", status=OutboxStatus.FAILED, last_error="拒绝"),
    ]


@pytest.mark.django_db
def test_figures_rows_and_retry(rows, park_auditor, park_operator_user, admin_a):
    overview = api(park_auditor).get("/api/v1/sync/overview/").json()
    assert overview["failed"] == 3 and overview["sent"] == 1
    failed = api(park_auditor).get("/api/v1/sync/entries/?status=failed&handle=88.101.alpha").json()
    assert [r["id"] for r in failed["results"]] == [rows[2].pk, rows[1].pk]
    assert (
        api(park_auditor).post("/api/v1/sync/retry/", {}, content_type="application/json").status_code == 403
    )
    assert api(admin_a).get("/api/v1/sync/overview/").status_code == 403
    retried = api(park_operator_user).post(
        "/api/v1/sync/retry/", {"entries": [rows[1].pk]}, content_type="application/json"
    )
    assert retried.status_code == 200 and retried.json() == {"retried": 2}  # the handle's whole chain
    statuses = dict(OutboxEntry.objects.values_list("pk", "status"))
    assert statuses[rows[2].pk] == OutboxStatus.PENDING and statuses[rows[3].pk] == OutboxStatus.FAILED


@pytest.fixture
def park_operator_user(park):
    from tests import factories

    return factories.user("park_operator", park_role="park_operator")


@pytest.mark.django_db(transaction=True)
def test_sync_operations_conform_to_the_schema(live_server, rows, park_auditor):
    token = f"Token {Token.objects.create(user=park_auditor).key}"
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"tokenAuth": {"api_key": token}}},
            "generation": {"allow-x00": False},
            "operations": [
                {
                    "include-path-regex": "^/api/v1/sync/retry/",
                    "include-method": ["POST"],
                    # the auditor reads and never retries (403, documented)
                    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "403"]}},
                }
            ],
        }
    )
    assert_conforms(
        live_server=live_server,
        host="park.localhost",
        token=token,
        api="^/api/v1/sync/",
        known_ids={"/api/v1/sync/entries/": [r.pk for r in rows]},
        config=config,
    )
