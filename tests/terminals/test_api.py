"""/api/v1/terminals/: enrolment and credential actions through the services, scoped to the
enterprise of the domain; the park's statistics for park staff."""

import pytest
from rest_framework.authtoken.models import Token

from apps.terminals import keys
from apps.terminals.models import TerminalCredential
from tests import factories
from tests.terminals.conftest import device_values

pytestmark = pytest.mark.django_db


def auth(client, user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_enrol_rotate_revoke_and_read_through_the_api(tenant_client, enterprise_a, admin_a, terminal_version):
    client = tenant_client(enterprise_a)
    headers = auth(client, admin_a)
    public = keys.public_key_of(keys.generate_private_key("sm2"))
    response = client.post(
        "/api/v1/terminals/terminals/",
        {
            "template_version": terminal_version.pk,
            "values": device_values(1),
            "public_key": public.sm2_raw_hex,
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["private_key"] is None and body["credential"]["algorithm"] == "sm2"
    terminal_id = body["terminal_id"]
    listed = client.get("/api/v1/terminals/terminals/", **headers).json()["results"]
    assert [t["handle"] for t in listed] == [body["handle"]] and listed[0]["online"] is False
    rotated = client.post(
        f"/api/v1/terminals/terminals/{terminal_id}/rotate/",
        {"generate": "ed25519", "grace_hours": 2},
        content_type="application/json",
        **headers,
    ).json()
    assert "PRIVATE KEY" in rotated["private_key"]
    detail = client.get(f"/api/v1/terminals/terminals/{terminal_id}/", **headers).json()
    assert sorted(c["state"] for c in detail["credentials"]) == ["active", "retiring"]
    refused = client.post(
        f"/api/v1/terminals/credentials/{rotated['credential']['id']}/revoke/",
        {"reason": ""},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    revoked = client.post(
        f"/api/v1/terminals/credentials/{rotated['credential']['id']}/revoke/",
        {"reason": "丢失"},
        content_type="application/json",
        **headers,
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert (
        client.get(f"/api/v1/terminals/terminals/{terminal_id}/readings/", **headers).json()["results"] == []
    )


def test_bad_input_and_other_tenants(
    tenant_client, enterprise_a, enterprise_b, admin_a, admin_b, terminal_version
):
    client = tenant_client(enterprise_a)
    headers = auth(client, admin_a)
    bad = client.post(
        "/api/v1/terminals/terminals/",
        {"template_version": terminal_version.pk, "values": device_values(1), "public_key": "junk"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_key"
    assert "Unrecognised public key" in bad.json()["message"]
    ok = client.post(
        "/api/v1/terminals/terminals/",
        {"template_version": terminal_version.pk, "values": device_values(2), "generate": "p256"},
        content_type="application/json",
        **headers,
    ).json()
    credential_id = ok["credential"]["id"]
    beta = tenant_client(enterprise_b)
    beta_headers = auth(beta, admin_b)
    # beta sees alpha's objects as absent, the same answer as for ids that do not exist
    for path in (f"/api/v1/terminals/terminals/{ok['terminal_id']}/", "/api/v1/terminals/terminals/999999/"):
        response = beta.get(path, **beta_headers)
        assert response.status_code == 404
    assert beta.get(f"/api/v1/terminals/credentials/{credential_id}/", **beta_headers).json() == (
        beta.get("/api/v1/terminals/credentials/999999/", **beta_headers).json()
    )
    assert beta.post(f"/api/v1/terminals/credentials/{credential_id}/revoke/", {"reason": "x"},
                     content_type="application/json", **beta_headers).status_code == 404  # fmt: skip
    assert TerminalCredential.objects.get(pk=credential_id).state == "active"
    # alpha's token on beta's domain: not a member
    assert beta.get("/api/v1/terminals/terminals/", **headers).status_code == 403


def test_statistics_for_park_staff_only(park_client, enterprise_a, admin_a):
    staff = factories.user("park_operator_s", park_role="park_operator")
    response = park_client.get("/api/v1/terminals/statistics/", **auth(park_client, staff))
    assert response.status_code == 200 and set(response.json()) >= {"enrolled", "online", "online_rate"}
    assert park_client.get("/api/v1/terminals/statistics/", **auth(park_client, admin_a)).status_code == 403
