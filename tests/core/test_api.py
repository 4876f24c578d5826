"""REST API plumbing (apps/core/api.py, pagination.py): token refusals are 401 with a Token
challenge, every error has the one shape in the caller's language, pagination parameters mean
what the schema says, and the schema documents the error answers."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

IDENTIFIERS = "/api/v1/identifiers/"
TEMPLATES = "/api/v1/metadata/templates/"


def api(user=None, *, key: str | None = None, host: str = "alpha.park.localhost", **headers) -> Client:
    if user is not None:
        key = Token.objects.get_or_create(user=user)[0].key
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    return Client(HTTP_HOST=host, **headers)


def test_missing_or_invalid_token_is_401_with_a_token_challenge(enterprise_a):
    for client in (api(), api(key="0" * 40)):
        response = client.get(IDENTIFIERS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert set(response.json()) == {"code", "message", "errors"}
    assert api(key="0" * 40).get(IDENTIFIERS).json()["code"] == "authentication_failed"


def test_errors_speak_chinese_by_default_and_english_on_request(enterprise_a, admin_a):
    body = api(admin_a).get(f"{TEMPLATES}999999/").json()
    assert body == {"code": "not_found", "message": "请求的对象不存在，或您无权访问", "errors": {}}
    english = api(admin_a, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(f"{TEMPLATES}999999/")
    assert english.json()["message"] == "The object does not exist, or you may not access it"
    assert english["Content-Language"] == "en"
    assert "MetadataTemplate" not in english.content.decode()
    assert api(key="0" * 40).get(IDENTIFIERS).json()["message"].startswith("API 令牌无效")
    assert (
        api(key="0" * 40, HTTP_ACCEPT_LANGUAGE="en")
        .get(IDENTIFIERS)
        .json()["message"]
        .startswith("The API token is invalid")
    )
    assert api().get(IDENTIFIERS).json()["message"].startswith("需要身份认证")


def test_the_portal_still_ignores_accept_language(park_client):
    response = park_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "zh-hans"


def test_method_parse_and_media_type_errors_in_the_error_shape(enterprise_a, admin_a):
    client = api(admin_a)
    response = client.put(TEMPLATES, {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": "该地址不支持 PUT 请求", "errors": {}}
    response = client.post(IDENTIFIERS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "message": "请求体不是有效的 JSON", "errors": {}}
    response = client.post(IDENTIFIERS, {"template": "X"})  # multipart form
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_an_address_the_api_does_not_have_answers_in_the_error_shape(enterprise_a, admin_a):
    response = api(admin_a).get(f"{IDENTIFIERS}0.5/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "API 中没有这个地址", "errors": {}}


def test_validation_errors_keep_the_shape_when_a_field_is_called_code(enterprise_a, admin_a):
    # a filter named "code" once made the handler think the body was already in shape
    response = api(admin_a).get(IDENTIFIERS, {"code": "a\x00b"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "errors"} and body["code"] == "invalid"
    assert list(body["errors"]) == ["code"] and body["message"].startswith("code: ")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "last"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "true"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"date_from": "0000-01-01"}, "date_from"),
        ({"date_to": ""}, "date_to"),
        ({"category": ""}, "category"),
        ({"status": "gone"}, "status"),
    ],
)
def test_malformed_list_parameters_are_400(enterprise_a, admin_a, params, field):
    response = api(admin_a).get(IDENTIFIERS, params)
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]


def test_a_page_past_the_last_is_404_and_page_size_applies_to_every_list(enterprise_a, admin_a):
    from apps.metadata.demo import ensure_seed_templates

    ensure_seed_templates()
    client = api(admin_a)
    response = client.get(IDENTIFIERS, {"page": "2"})
    assert response.status_code == 404 and response.json()["message"] == "第 2 页不存在"
    assert len(client.get(TEMPLATES, {"page_size": "2"}).json()["results"]) == 2
    assert client.get(IDENTIFIERS, {"date_from": "9999-12-31", "q": ""}).json()["count"] == 0


def test_the_schema_documents_error_answers_and_parameter_ranges(park_client):
    schema = park_client.get("/api/schema/?format=json").json()
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "message", "errors"}
    operations = schema["paths"]
    expected = {
        ("/api/v1/identifiers/", "get"): {"200", "400", "401", "403", "404"},
        # 404 on every operation that needs a login: one schema documents both domains, and an
        # operation served on one domain alone answers 404 on the other
        ("/api/v1/identifiers/", "post"): {"201", "400", "401", "403", "404"},
        ("/api/v1/identifiers/{id}/", "get"): {"200", "401", "403", "404"},
        ("/api/v1/identifiers/{id}/", "patch"): {"200", "400", "401", "403", "404"},
        # 400 on every write: a business rule may refuse one without a body (an identifier
        # already withdrawn, the enterprise's last administrator)
        ("/api/v1/identifiers/{id}/", "delete"): {"204", "400", "401", "403", "404"},
        ("/api/v1/identifiers/{id}/withdraw/", "post"): {"200", "400", "401", "403", "404"},
        ("/api/v1/metadata/templates/{id}/", "get"): {"200", "400", "401", "403", "404"},
    }
    for (path, method), codes in expected.items():
        responses = operations[path][method]["responses"]
        assert set(responses) == codes, (path, method)
        for code in codes - {"200", "201", "204"}:
            assert responses[code]["content"]["application/json"]["schema"] == error
    parameters = {p["name"]: p["schema"] for p in operations["/api/v1/identifiers/"]["get"]["parameters"]}
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["date_from"]["format"] == "date" and "0000" in parameters["date_from"]["pattern"]
    version = next(
        p
        for p in operations["/api/v1/metadata/templates/{id}/"]["get"]["parameters"]
        if p["name"] == "version"
    )
    assert version["schema"] == {"type": "integer", "minimum": 1}
    post = operations["/api/v1/identifiers/"]["post"]["requestBody"]["content"]
    assert list(post) == ["application/json"]  # the API reads JSON only
    assert schema["components"]["schemas"]["IdentifierCreate"]["required"] == ["template", "values"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
