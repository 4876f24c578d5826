"""/api/v1/tenants/: anyone applies; the park's staff list and read enterprises; its
administrators approve, reject, suspend and resume, as on the pages; schema conformance."""

from __future__ import annotations

import pytest
import schemathesis
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Enterprise
from tests.openapi import assert_conforms
from tests.tenants.test_onboarding import application


def api(user=None, host: str = "park.localhost") -> Client:
    if user is None:
        return Client(HTTP_HOST=host)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


@pytest.mark.django_db
def test_apply_review_and_approve(park, park_admin, park_auditor, admin_a):
    bad = api().post(
        "/api/v1/tenants/applications/",
        application(credit_code="91320594MA1N2K8B0X"),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "credit_code" in bad.json()["errors"]
    created = api().post("/api/v1/tenants/applications/", application(), content_type="application/json")
    assert created.status_code == 201, created.json()
    applied = Enterprise.objects.get(code="XHJM")
    assert created.json() == {"id": applied.pk, "code": "XHJM", "status": "applied"}
    again = api().post(
        "/api/v1/tenants/applications/", application(name="另一家"), content_type="application/json"
    )
    assert again.status_code == 400 and set(again.json()["errors"]) >= {"credit_code", "code"}

    assert api().get("/api/v1/tenants/enterprises/").status_code == 401
    assert api(admin_a).get("/api/v1/tenants/enterprises/").status_code == 403
    listed = api(park_auditor).get("/api/v1/tenants/enterprises/?status=applied").json()["results"]
    assert [e["code"] for e in listed] == ["XHJM"]
    assert api(park_auditor).get("/api/v1/tenants/enterprises/?q=XHJM").json()["count"] == 1
    assert api(park_auditor).post(f"/api/v1/tenants/enterprises/{applied.pk}/approve/").status_code == 403
    assert api(park_admin, host="alpha.park.localhost").get("/api/v1/tenants/enterprises/").status_code in (
        403,
        404,
    )  # not on an enterprise domain

    refused = api(park_admin).post(
        f"/api/v1/tenants/enterprises/{applied.pk}/reject/", {"reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    approved = api(park_admin).post(f"/api/v1/tenants/enterprises/{applied.pk}/approve/").json()
    assert approved["created"] is True and approved["initial_password"]
    assert approved["enterprise"]["status"] == "active"
    assert [p["prefix"] for p in approved["enterprise"]["prefixes"]] == ["88.101.XHJM"]
    twice = api(park_admin).post(f"/api/v1/tenants/enterprises/{applied.pk}/approve/").json()
    assert twice["created"] is False and twice["initial_password"] is None

    suspended = (
        api(park_admin)
        .post(
            f"/api/v1/tenants/enterprises/{applied.pk}/suspend/",
            {"reason": "欠费"},
            content_type="application/json",
        )
        .json()
    )
    assert suspended["status"] == "suspended" and suspended["prefixes"][0]["status"] == "suspended"
    resumed = api(park_admin).post(f"/api/v1/tenants/enterprises/{applied.pk}/resume/").json()
    assert resumed["status"] == EnterpriseStatus.ACTIVE
    assert api(park_admin).get("/api/v1/tenants/enterprises/999999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_tenant_operations_conform_to_the_schema(live_server, enterprise_a, park_auditor):
    token = f"Token {Token.objects.create(user=park_auditor).key}"
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"tokenAuth": {"api_key": token}}},
            "generation": {"allow-x00": False},
            "operations": [
                {
                    # The auditor's writes are refused (403); an application may be refused by the
                    # form's rules (credit code check character, taken code): 400.
                    "include-path-regex": "^/api/v1/tenants/",
                    "include-method": ["POST"],
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403", "404"]}
                    },
                }
            ],
        }
    )
    assert_conforms(
        live_server=live_server,
        host="park.localhost",
        token=token,
        api="^/api/v1/tenants/",
        known_ids={"/api/v1/tenants/enterprises/": [enterprise_a.pk]},
        config=config,
    )
