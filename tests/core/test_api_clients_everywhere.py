"""An enterprise's API client (a machine's token, apps.identifiers.api_clients) works on every
app's API the way a member's token does — pages, filters, the one error shape in the caller's
language — and nowhere else: not on another enterprise's domain, not on what only an
administrator may do, not once revoked."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# What an enterprise member reads on its enterprise's domain, one list per app.
MEMBER_LISTS = [
    "/api/v1/identifiers/",
    "/api/v1/identifiers/prefixes/",
    "/api/v1/metadata/templates/",
    "/api/v1/imports/jobs/",
    "/api/v1/tasks/runs/",
]
# What only the enterprise's administrators may do.
ADMIN_LISTS = [
    "/api/v1/tenants/members/",
    "/api/v1/webhooks/subscriptions/",
    "/api/v1/identifiers/api-clients/",
]


@pytest.fixture
def machine(enterprise_a, admin_a):
    from apps.identifiers.api_clients import api_client_create

    client, key = api_client_create(actor=admin_a, enterprise=enterprise_a, name="MES 生产执行系统")
    return client, key


def _get(tenant_client, enterprise, path, key, language="zh-hans", **query):
    client = tenant_client(enterprise)
    return client.get(path, query, HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)


def test_an_api_client_reads_every_app_a_member_reads_in_pages(tenant_client, enterprise_a, machine):
    _client, key = machine
    for path in MEMBER_LISTS:
        response = _get(tenant_client, enterprise_a, path, key, page_size="1")
        assert response.status_code == 200, (path, response.json())
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}, path
        assert len(body["results"]) <= 1, path
    # a filter that is sent filters, a malformed one is refused in the caller's language
    refused = _get(tenant_client, enterprise_a, "/api/v1/identifiers/", key, "en", status="nonsense")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid" and "status" in refused.json()["errors"]
    assert "nonsense" in refused.json()["message"] and "选择" not in refused.json()["message"]


def test_an_api_client_is_refused_what_only_an_administrator_may_do(tenant_client, enterprise_a, machine):
    _client, key = machine
    for path in ADMIN_LISTS:
        chinese = _get(tenant_client, enterprise_a, path, key)
        english = _get(tenant_client, enterprise_a, path, key, "en")
        assert chinese.status_code == english.status_code == 403, path
        assert set(english.json()) == {"code", "message", "errors"}
        assert english.json()["message"].isascii() and not chinese.json()["message"].isascii(), path


def test_an_api_client_sees_nothing_of_another_enterprise_and_nothing_once_revoked(
    tenant_client, enterprise_a, enterprise_b, admin_a, machine
):
    from apps.identifiers.api_clients import api_client_revoke

    client, key = machine
    foreign = _get(tenant_client, enterprise_b, "/api/v1/identifiers/", key, "en")
    assert foreign.status_code == 403
    assert set(foreign.json()) == {"code", "message", "errors"} and "results" not in foreign.json()

    api_client_revoke(actor=admin_a, client=client)
    for language, ascii_message in (("en", True), ("zh-hans", False)):
        revoked = _get(tenant_client, enterprise_a, "/api/v1/identifiers/", key, language)
        assert revoked.status_code == 401
        assert revoked.json()["code"] == "authentication_failed"
        assert revoked.json()["message"].isascii() is ascii_message
