"""GET /api/handles/<handle>: the Handle.net REST API read shape, codes and filters."""

import pytest
from django.test import override_settings

from apps.resolution.cache import invalidate_handle
from tests.resolution import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(enterprise_a):
    return builders.identifier(enterprise_a, "Lamp-1")


def test_success_shape(park_client, lamp):
    response = park_client.get(f"/api/handles/{lamp.handle}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["responseCode"] == 1
    assert body["handle"] == "88.101.alpha/Lamp-1"
    assert [v["index"] for v in body["values"]] == [2000, 2001, 1]
    first = body["values"][0]
    assert set(first) == {"index", "type", "data", "ttl", "timestamp"}
    assert first["data"] == {"format": "string", "value": "1号路灯"}
    assert first["ttl"] == 86400
    assert first["timestamp"].endswith("Z")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_prefix_case_insensitive_suffix_case_sensitive(park_client, lamp):
    assert park_client.get("/api/handles/88.101.ALPHA/Lamp-1").json()["handle"] == "88.101.alpha/Lamp-1"
    response = park_client.get("/api/handles/88.101.alpha/lamp-1")
    assert response.status_code == 404
    assert response.json()["responseCode"] == 100


def test_not_found(park_client, park):
    response = park_client.get("/api/handles/88.101.alpha/nothing")
    assert response.status_code == 404
    body = response.json()
    assert body == {"responseCode": 100, "handle": "88.101.alpha/nothing", "message": body["message"]}
    assert body["message"]


def test_invalid_handle(park_client, park):
    response = park_client.get("/api/handles/88.101.alpha")
    assert response.status_code == 400
    assert response.json()["responseCode"] == 102
    assert response.json()["message"]


def test_withdrawn_is_not_found(park_client, enterprise_a):
    builders.identifier(enterprise_a, "old", status="withdrawn")
    response = park_client.get("/api/handles/88.101.alpha/old")
    assert response.status_code == 404
    assert response.json()["responseCode"] == 100


def test_index_and_type_filters(park_client, lamp):
    url = f"/api/handles/{lamp.handle}"
    assert [v["index"] for v in park_client.get(url, {"index": "2001"}).json()["values"]] == [2001]
    both = park_client.get(f"{url}?index=2001&index=1").json()["values"]
    assert sorted(v["index"] for v in both) == [1, 2001]
    by_type = park_client.get(f"{url}?type=URL&index=2000").json()["values"]
    assert sorted(v["index"] for v in by_type) == [1, 2000]
    assert [v["type"] for v in park_client.get(url, {"type": "url"}).json()["values"]] == ["URL"]


def test_type_with_trailing_period_matches_subtypes(park_client, enterprise_a):
    ident = builders.identifier(
        enterprise_a,
        "sub",
        values=[
            builders.value(2000, "spec.power", "1"),
            builders.value(2001, "spec.size", "2"),
            builders.value(1, "URL", "u"),
        ],
    )
    values = park_client.get(f"/api/handles/{ident.handle}", {"type": "spec."}).json()["values"]
    assert sorted(v["type"] for v in values) == ["spec.power", "spec.size"]


def test_values_not_found_is_200(park_client, lamp):
    response = park_client.get(f"/api/handles/{lamp.handle}", {"index": "9999"})
    assert response.status_code == 200
    assert response.json()["responseCode"] == 200
    assert response.json()["values"] == []


def test_auth_true_without_credentials_is_402(park_client, lamp):
    response = park_client.get(f"/api/handles/{lamp.handle}", {"auth": "true"})
    assert response.status_code == 401
    assert response.json()["responseCode"] == 402
    assert response.json()["message"]
    assert "WWW-Authenticate" in response


def test_not_responsible_without_upstream(park_client, park):
    with override_settings(UPSTREAM_RESOLVER_URL=""):
        response = park_client.get("/api/handles/88.999.other/x")
    assert response.status_code == 400
    assert response.json()["responseCode"] == 301


def test_head_and_options(park_client, lamp):
    head = park_client.head(f"/api/handles/{lamp.handle}")
    assert head.status_code == 200
    assert head.content == b""
    options = park_client.options(f"/api/handles/{lamp.handle}", HTTP_ORIGIN="https://scanner.example")
    assert options.status_code == 204
    assert "GET" in options["Access-Control-Allow-Methods"]
    assert options["Access-Control-Allow-Origin"] == "*"


def test_update_is_visible_immediately(park_client, lamp):
    assert park_client.get(f"/api/handles/{lamp.handle}").json()["values"][0]["data"]["value"] == "1号路灯"
    lamp.values = [builders.value(2000, "name", "改名路灯")]
    lamp.save()
    invalidate_handle(lamp.handle)
    assert park_client.get(f"/api/handles/{lamp.handle}").json()["values"][0]["data"]["value"] == "改名路灯"
    lamp.status = "withdrawn"
    lamp.save()
    invalidate_handle(lamp.handle)
    assert park_client.get(f"/api/handles/{lamp.handle}").status_code == 404


def test_not_found_then_registered_with_invalidation(park_client, enterprise_a):
    assert park_client.get("/api/handles/88.101.alpha/later").status_code == 404
    ident = builders.identifier(enterprise_a, "later")
    invalidate_handle(ident.handle)
    assert park_client.get("/api/handles/88.101.alpha/later").status_code == 200
