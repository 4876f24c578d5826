"""REST API contract: /api/v1/identifiers/ — auth (user token, API client token), shapes,
status codes, pagination, filters, cross-tenant denial; OpenAPI schema and docs."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.identifiers.models import Identifier

from .conftest import product

pytestmark = pytest.mark.django_db

URL = "/api/v1/identifiers/"


def api(host: str, user=None, key: str | None = None) -> Client:
    if user is not None:
        key = Token.objects.get_or_create(user=user)[0].key
    headers = {"HTTP_HOST": host}
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    return Client(**headers)


@pytest.fixture
def api_a(alpha, admin_a):
    return api("alpha.park.localhost", admin_a)


def test_anonymous_is_refused(alpha):
    response = api("alpha.park.localhost").get(URL)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "errors"}


def test_register_read_update_withdraw(api_a, mfg):
    response = api_a.post(
        URL, {"template": "PARK-MFG", "values": product(1)}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["handle"].startswith("88.101.ALPHA/") and body["security_code"]
    assert body["template"] == {"id": mfg.template_id, "code": "PARK-MFG", "version": mfg.number}
    assert body["category"] == "manufacturing" and body["status"] == "active"
    assert body["resolution_url"].endswith(body["handle"])
    by_type = {v["type"]: v for v in body["values"]}
    assert by_type["production_line"]["grade"] == 1 and by_type["process_params"]["grade"] == 3
    assert by_type["name"]["data"] == {"format": "string", "value": "干式变压器1"}
    pk = body["id"]
    assert api_a.get(f"{URL}{pk}/").json()["handle"] == body["handle"]
    response = api_a.patch(f"{URL}{pk}/", {"values": {"model": "SCB13"}}, content_type="application/json")
    assert response.status_code == 200
    assert {v["type"]: v["data"]["value"] for v in response.json()["values"]}["model"] == "SCB13"
    response = api_a.put(
        f"{URL}{pk}/", {"values": product(1, batch_no="X1")}, content_type="application/json"
    )
    assert response.status_code == 200
    response = api_a.post(f"{URL}{pk}/withdraw/", {"reason": "测试"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert api_a.delete(f"{URL}{pk}/").status_code == 204


def test_validation_errors_name_the_item(api_a, mfg):
    response = api_a.post(
        URL,
        {"template": "PARK-MFG", "values": product(1, qc_result="很好", produced_on="")},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_values"
    assert "质检结果" in body["errors"]["qc_result"][0]
    assert "生产日期" in body["errors"]["produced_on"][0]
    response = api_a.post(URL, {"values": product(1)}, content_type="application/json")
    assert response.status_code == 400 and "template" in response.json()["errors"]


def test_check_character_template_refuses_other_characters(api_a, mfg):
    response = api_a.post(
        URL,
        {"template": "PARK-MFG", "object_code": "fork-3", "values": product(1)},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "0-9" in response.json()["errors"]["object_code"][0]
    assert not Identifier.objects.exists()


def test_pagination_and_filters(api_a, register_product):
    for n in range(1, 6):
        register_product(n, name=f"变压器{n}" if n != 5 else "特殊电抗器")
    assert len(api_a.get(URL).json()["results"]) == 5  # default page size 50
    body = api_a.get(URL, {"page_size": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"] and body["previous"] is None
    page3 = api_a.get(URL, {"page_size": 2, "page": 3}).json()
    assert len(page3["results"]) == 1 and page3["next"] is None
    assert api_a.get(URL, {"page": 99}).status_code == 404
    assert set(body) >= {"count", "next", "previous", "results"}
    assert api_a.get(URL, {"q": "电抗器"}).json()["count"] == 1
    assert api_a.get(URL, {"category": "manufacturing"}).json()["count"] == 5
    assert api_a.get(URL, {"category": "road"}).json()["count"] == 0
    assert api_a.get(URL, {"template": "PARK-MFG"}).json()["count"] == 5
    assert api_a.get(URL, {"status": "withdrawn"}).json()["count"] == 0
    one = Identifier.objects.first()
    assert api_a.get(URL, {"handle": one.handle.upper()}).json()["count"] == 1
    assert api_a.get(URL, {"date_from": "2999-01-01"}).json()["count"] == 0


def test_cross_tenant_denial_through_the_api(register_product, beta, admin_b, alpha):
    ident = register_product(1)
    own_domain = api("beta.park.localhost", admin_b)
    assert own_domain.get(URL).json()["count"] == 0
    assert own_domain.get(f"{URL}{ident.pk}/").status_code == 404
    assert (
        own_domain.patch(f"{URL}{ident.pk}/", {"values": {}}, content_type="application/json").status_code
        == 404
    )
    assert own_domain.post(f"{URL}{ident.pk}/withdraw/").status_code == 404
    other_domain = api("alpha.park.localhost", admin_b)
    assert other_domain.get(URL).status_code == 403
    assert other_domain.get(f"{URL}{ident.pk}/").status_code == 403
    # on the park domain a non-staff user sees only their own enterprises' identifiers
    park = api("park.localhost", admin_b)
    assert park.get(URL).json()["count"] == 0
    assert park.get(f"{URL}{ident.pk}/").status_code == 404
    ident.refresh_from_db()
    assert ident.status == "active"


def test_grantee_reads_a_granted_identifier_until_the_grant_is_revoked(
    register_product, alpha, admin_a, admin_b, mfg
):
    from apps.identifiers.grants import grant_restricted_access, revoke_restricted_access

    ident, other = register_product(1), register_product(2)
    park = api("park.localhost", admin_b)
    assert park.get(f"{URL}{ident.pk}/").status_code == 404
    grant = grant_restricted_access(actor=admin_a, enterprise=alpha, grantee=admin_b, identifier=ident)

    listing = park.get(URL).json()
    assert [row["handle"] for row in listing["results"]] == [ident.handle]  # not the ungranted one
    body = park.get(f"{URL}{ident.pk}/").json()
    types = {v["type"] for v in body["values"]}
    assert {"name", "production_line", "process_params"} <= types  # restricted values per grant
    assert park.get(f"{URL}?handle={ident.handle}").json()["count"] == 1
    # read-only: a grant is no licence to write
    response = park.patch(f"{URL}{ident.pk}/", {"values": {"model": "X"}}, content_type="application/json")
    assert response.status_code == 403
    assert park.post(f"{URL}{ident.pk}/withdraw/").status_code == 403
    assert park.get(f"{URL}{other.pk}/").status_code == 404

    revoke_restricted_access(actor=admin_a, grant=grant)
    assert park.get(f"{URL}{ident.pk}/").status_code == 404
    assert park.get(URL).json()["count"] == 0


def test_template_grant_reaches_the_granting_enterprises_identifiers_of_that_template(
    register_product, alpha, admin_a, admin_b, mfg
):
    from apps.identifiers.grants import grant_restricted_access

    ident = register_product(1)
    grant_restricted_access(actor=admin_a, enterprise=alpha, grantee=admin_b, template=mfg.template)
    park = api("park.localhost", admin_b)
    assert park.get(URL).json()["count"] == 1
    types = {v["type"] for v in park.get(f"{URL}{ident.pk}/").json()["values"]}
    assert "process_params" in types


def test_park_staff_read_public_values_on_the_park_domain(register_product, park_admin):
    ident = register_product(1)
    body = api("park.localhost", park_admin).get(f"{URL}{ident.pk}/").json()
    types = {v["type"] for v in body["values"]}
    assert "name" in types and "production_line" not in types


def test_api_client_token(alpha, enterprise_b, admin_a, mfg):
    from apps.identifiers.api_clients import api_client_create, api_client_revoke

    client, key = api_client_create(actor=admin_a, enterprise=alpha, name="MES")
    c = api("alpha.park.localhost", key=key)
    response = c.post(URL, {"template": "PARK-MFG", "values": product(7)}, content_type="application/json")
    assert response.status_code == 201
    from apps.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(action="identifier.register").latest("id")
    assert entry.actor_user_id == client.user_id
    # the client is a member of alpha only
    assert api("beta.park.localhost", key=key).get(URL).status_code == 403
    api_client_revoke(actor=admin_a, client=client)
    assert c.get(URL).status_code in (401, 403)


def test_api_access_page_issues_tokens(tenant_client, alpha, admin_a):
    c = tenant_client(alpha)
    c.force_login(admin_a)
    page = c.post("/identifiers/api-access/", {"action": "create_client", "name": "ERP"}).content.decode()
    from apps.identifiers.models import APIClient

    client = APIClient.objects.get(name="ERP")
    assert Token.objects.get(user=client.user).key in page


def test_token_rotation_is_audited_and_the_old_key_stops_working(tenant_client, alpha, admin_a, mfg):
    from apps.audit.models import AuditEntry

    old = Token.objects.create(user=admin_a).key
    c = tenant_client(alpha)
    c.force_login(admin_a)
    page = c.post("/identifiers/api-access/", {"action": "rotate_token"}).content.decode()
    new = Token.objects.get(user=admin_a).key
    assert new != old and new in page
    entry = AuditEntry.objects.filter(action="api_token.rotate", object_id=str(admin_a.pk)).get()
    assert entry.actor == admin_a.username and entry.changes == {"token": ["revoked", "issued"]}
    assert old not in str(entry.changes) and new not in str(entry.changes)
    assert api("alpha.park.localhost", key=old).get(URL).status_code in (401, 403)
    assert api("alpha.park.localhost", key=new).get(URL).status_code == 200


def test_openapi_schema_and_docs_without_cdn(park_client):
    schema = park_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/identifiers/" in text and "withdraw" in text
    docs = park_client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "unpkg" not in docs and "jsdelivr" not in docs


def test_bodies_are_checked_against_the_schema(api_a, register_product):
    ident = register_product(1)
    # registering names a template (the schema says so); values are text, not numbers
    response = api_a.post(URL, {"values": product(2)}, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["template"]
    response = api_a.post(
        URL, {"template": "PARK-MFG", "values": {"rated_capacity": 630}}, content_type="application/json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["values.rated_capacity"]
    for body in ([], {"values": []}, {"values": {"model": 5}}, {}):
        response = api_a.patch(f"{URL}{ident.pk}/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert set(response.json()) == {"code", "message", "errors"}
    for body in ([], {"reason": ["x"]}):
        response = api_a.post(f"{URL}{ident.pk}/withdraw/", body, content_type="application/json")
        assert response.status_code == 400, body  # was a 500 for [] and accepted for a list
    ident.refresh_from_db()
    assert ident.status == "active"
