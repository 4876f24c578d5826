"""REST API: /api/v1/metadata/templates/ — read-only templates with their effective items and
JSON Schema, for programs that register identifiers with a token."""

from django.test import Client
from rest_framework.authtoken.models import Token

from apps.metadata import services
from apps.metadata.selectors import template_current_version

URL = "/api/v1/metadata/templates/"


def api(host: str, user) -> Client:
    key = Token.objects.get_or_create(user=user)[0].key
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {key}")


def _enterprise_template(enterprise, actor, code="ALPHA-LAMP"):
    """A published enterprise template of ``enterprise`` under PARK-ENERGY."""
    from apps.metadata.selectors import template_get_by_code

    template = services.enterprise_template_create(
        enterprise=enterprise, parent=template_get_by_code("PARK-ENERGY"), code=code, name="路灯"
    )
    draft = services.template_version_create_draft(template=template)
    services.template_item_add(version=draft, name="灯杆高度", code="pole_height", item_type="number")
    services.template_version_publish(version=draft)
    return template


def test_token_lists_templates_and_reads_effective_items_and_schema(templates, enterprise_a, admin_a):
    client = api("alpha.park.localhost", admin_a)
    response = client.get(URL, {"page_size": 100})
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert {"CN-CORE", "PARK-MFG", "PARK-ENERGY"} <= codes
    mfg = templates["PARK-MFG"]
    body = client.get(f"{URL}{mfg.pk}/").json()
    assert body["code"] == "PARK-MFG" and body["version"] == template_current_version(mfg).number
    items = {item["code"]: item for item in body["items"]}
    assert items["production_line"]["is_public"] is False and items["process_params"]["grade"] == 3
    assert any(item["origin_template"] != "PARK-MFG" for item in body["items"])  # inherited items too
    schema = client.get(f"{URL}{mfg.pk}/schema/").json()
    assert schema["$schema"].startswith("https://json-schema.org/") and "model" in schema["required"]
    assert schema["properties"]["rated_capacity"]["type"] in ("number", "integer")
    assert client.get(f"{URL}{mfg.pk}/schema/", {"version": 99}).status_code == 404
    assert client.get(URL, {"category": "manufacturing"}).json()["count"] >= 1


def test_enterprise_templates_stay_with_their_enterprise(
    templates, enterprise_a, admin_a, admin_b, enterprise_b
):
    own = _enterprise_template(enterprise_a, admin_a)
    assert api("alpha.park.localhost", admin_a).get(f"{URL}{own.pk}/").json()["items"]
    assert api("beta.park.localhost", admin_b).get(f"{URL}{own.pk}/").status_code == 404
    assert api("park.localhost", admin_b).get(f"{URL}{own.pk}/").status_code == 404
    assert api("park.localhost", admin_a).get(f"{URL}{own.pk}/").status_code == 200
    assert api("alpha.park.localhost", admin_b).get(URL).status_code == 403  # not a member


def test_templates_are_read_only(templates, park_admin):
    client = api("park.localhost", park_admin)
    mfg = templates["PARK-MFG"]
    assert client.post(URL, {"code": "X"}, content_type="application/json").status_code == 405
    assert client.patch(f"{URL}{mfg.pk}/", {"name": "X"}, content_type="application/json").status_code == 405
    assert client.delete(f"{URL}{mfg.pk}/").status_code == 405


def test_openapi_documents_the_template_api(park_client):
    response = park_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert "/api/v1/metadata/templates/" in paths and "/api/v1/metadata/templates/{id}/schema/" in paths
    assert paths["/api/v1/metadata/templates/{id}/"]["get"]["summary"]


def test_list_shows_each_templates_current_version_without_a_query_per_row(templates, enterprise_a, admin_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    own = _enterprise_template(enterprise_a, admin_a)
    draft = services.template_version_create_draft(template=own)
    services.template_item_add(version=draft, name="灯具功率", code="lamp_power", item_type="number")
    services.template_version_publish(version=draft)  # version 2 is now the current one
    client = api("alpha.park.localhost", admin_a)
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(URL).json()["results"]
    assert len(rows) > 2
    from apps.metadata.models import MetadataTemplate

    for row in rows:
        current = template_current_version(MetadataTemplate.objects.get(pk=row["id"]))
        assert row["version"] == (current.number if current else None)
    assert next(row for row in rows if row["id"] == own.pk)["version"] == 2
    version_reads = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT DISTINCT ON ("metadata_templateversion"')
        or q["sql"].startswith('SELECT "metadata_templateversion"')
    ]
    assert len(version_reads) == 1


def test_parent_is_null_for_a_template_without_one_as_the_schema_says(
    templates, enterprise_a, admin_a, park_client
):
    client = api("alpha.park.localhost", admin_a)
    core = templates["CN-CORE"]
    rows = {row["code"]: row for row in client.get(URL, {"page_size": 100}).json()["results"]}
    assert rows["CN-CORE"]["parent"] is None and rows["PARK-MFG"]["parent"]
    assert client.get(f"{URL}{core.pk}/").json()["parent"] is None
    schemas = park_client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schemas["Template"]["properties"]["parent"]["nullable"] is True
    assert schemas["TemplateDetail"]["properties"]["parent"]["nullable"] is True


def test_version_must_be_a_positive_number(templates, enterprise_a, admin_a):
    client = api("alpha.park.localhost", admin_a)
    mfg = templates["PARK-MFG"]
    for bad in ("0", "-1", "x", ""):
        response = client.get(f"{URL}{mfg.pk}/", {"version": bad})
        assert response.status_code == 400 and list(response.json()["errors"]) == ["version"]
    assert client.get(f"{URL}{mfg.pk}/schema/", {"version": "99"}).status_code == 404
