"""/api/v1/tenants/members/ on an enterprise domain: its administrators list, add, change the
role of and remove members (the last administrator stays); schemathesis."""

from __future__ import annotations

import pytest
import schemathesis
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.accounts.models import Membership
from tests import factories
from tests.openapi import assert_conforms


def api(user, host: str) -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


@pytest.mark.django_db
def test_admins_manage_members_and_roles(enterprise_a, enterprise_b, admin_a, member_a, admin_b, park_admin):
    alpha, beta = factories.domain_of(enterprise_a), factories.domain_of(enterprise_b)
    client = api(admin_a, alpha)
    listed = client.get("/api/v1/tenants/members/").json()["results"]
    assert {m["username"] for m in listed} == {"admin_a", "member_a"}
    assert api(member_a, alpha).get("/api/v1/tenants/members/").status_code == 403
    assert api(admin_b, alpha).get("/api/v1/tenants/members/").status_code == 403
    assert api(park_admin, "park.localhost").get("/api/v1/tenants/members/").status_code == 404

    added = client.post(
        "/api/v1/tenants/members/",
        {"username": "alpha_new", "role": "enterprise_finance"},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["initial_password"]
    new_id = added.json()["membership"]["id"]
    changed = client.patch(
        f"/api/v1/tenants/members/{new_id}/", {"role": "enterprise_admin"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["role"] == "enterprise_admin"
    beta_member = Membership.objects.get(user=admin_b)
    assert client.get(f"/api/v1/tenants/members/{beta_member.pk}/").status_code == 404
    assert client.delete(f"/api/v1/tenants/members/{beta_member.pk}/").status_code == 404
    assert client.delete(f"/api/v1/tenants/members/{new_id}/").status_code == 204
    own = Membership.objects.get(user=admin_a, enterprise=enterprise_a)
    last = client.patch(
        f"/api/v1/tenants/members/{own.pk}/", {"role": "enterprise_member"}, content_type="application/json"
    )
    assert last.status_code == 400  # the last administrator stays one
    assert api(admin_b, beta).get("/api/v1/tenants/members/").json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_member_operations_conform_to_the_schema(live_server, enterprise_a, admin_a, member_a):
    token = f"Token {Token.objects.create(user=admin_a).key}"
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"tokenAuth": {"api_key": token}}},
            "generation": {"allow-x00": False},
            "operations": [
                {
                    # The last administrator cannot be demoted or removed; a username may be taken
                    # or malformed: 400. Once the fuzzing has added another administrator and
                    # demoted or removed the token's own user, its requests are refused: 403.
                    "include-path-regex": "^/api/v1/tenants/members/",
                    "include-method": ["POST", "PATCH", "DELETE"],
                    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403", "404"]}},
                }
            ],
        }
    )
    known = list(Membership.objects.filter(enterprise=enterprise_a).values_list("pk", flat=True))
    assert_conforms(
        live_server=live_server,
        host=factories.domain_of(enterprise_a),
        token=token,
        api="^/api/v1/tenants/members/",
        known_ids={"/api/v1/tenants/members/": known},
        config=config,
    )
