"""/api/v1/identifiers/prefixes/: state and reasons; park administrators suspend, resume and
revoke through apps.identifiers.prefixes; an enterprise reads only its own prefixes;
schemathesis over the park's side."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.identifiers.models import Prefix
from tests import factories
from tests.openapi import assert_conforms, writes_config


def api(user, host: str = "park.localhost") -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


@pytest.mark.django_db
def test_state_reasons_and_actions(alpha, beta, park_admin, park_auditor, admin_a, admin_b, member_a):
    prefix = Prefix.objects.get(prefix="88.101.ALPHA")
    listed = api(park_auditor).get("/api/v1/identifiers/prefixes/?enterprise=alpha").json()["results"]
    assert [p["prefix"] for p in listed] == ["88.101.ALPHA"] and listed[0]["status"] == "active"
    assert api(admin_a).get("/api/v1/identifiers/prefixes/").status_code == 403  # park domain: staff only
    assert api(park_auditor).post(f"/api/v1/identifiers/prefixes/{prefix.pk}/suspend/").status_code == 403

    suspended = api(park_admin).post(
        f"/api/v1/identifiers/prefixes/{prefix.pk}/suspend/",
        {"reason": "欠费"},
        content_type="application/json",
    )
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended" and suspended.json()["status_reason"] == "欠费"
    alpha_host = factories.domain_of(alpha)
    own = api(member_a, alpha_host).get("/api/v1/identifiers/prefixes/").json()["results"]
    assert [(p["prefix"], p["status_reason"]) for p in own] == [("88.101.ALPHA", "欠费")]
    beta_prefix = Prefix.objects.get(prefix="88.101.BETA")
    assert api(member_a, alpha_host).get(f"/api/v1/identifiers/prefixes/{beta_prefix.pk}/").status_code == 404
    assert (
        api(admin_a, alpha_host).post(f"/api/v1/identifiers/prefixes/{prefix.pk}/resume/").status_code == 403
    )
    assert api(admin_b, alpha_host).get("/api/v1/identifiers/prefixes/").status_code == 403

    resumed = api(park_admin).post(f"/api/v1/identifiers/prefixes/{prefix.pk}/resume/").json()
    assert resumed["status"] == "active" and resumed["status_reason"] == ""
    no_reason = api(park_admin).post(
        f"/api/v1/identifiers/prefixes/{prefix.pk}/revoke/", {}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    assert Prefix.objects.get(pk=prefix.pk).status == "active"
    filtered = api(park_auditor).get("/api/v1/identifiers/prefixes/?status=suspended").json()
    assert filtered["count"] == 0


@pytest.mark.django_db(transaction=True)
def test_prefix_operations_conform_to_the_schema(live_server, alpha, park_admin):
    token = f"Token {Token.objects.create(user=park_admin).key}"
    # A state change the prefix's state does not allow is a 400 (invalid_status).
    config = writes_config(token, "^/api/v1/identifiers/prefixes/", ["2xx", "400", "404"])
    prefix = Prefix.objects.get(prefix="88.101.ALPHA")
    assert_conforms(
        live_server=live_server,
        host="park.localhost",
        token=token,
        api="^/api/v1/identifiers/prefixes/",
        known_ids={"/api/v1/identifiers/prefixes/": [prefix.pk]},
        config=config,
    )
