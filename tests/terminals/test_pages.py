"""Enterprise pages (terminals, online state, credential actions, readings chart, alerts) and
the park's statistics page."""

import datetime as dt

import pytest
from django.test import TestCase

from apps.terminals import keys, selectors
from apps.terminals.choices import CredentialState
from apps.terminals.models import Terminal, TerminalCredential
from tests import factories
from tests.terminals.conftest import device_values
from tests.terminals.test_device_api import Device, enrolled

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_enrol_with_a_generated_key_shows_the_private_key_once(
    tenant_client, enterprise_a, admin_a, terminal_version
):
    client = login(tenant_client(enterprise_a), admin_a)
    page = client.get(f"/terminals/enrol/?template={terminal_version.template_id}")
    assert page.status_code == 200 and "public_key" in page.content.decode()
    values = device_values(1)
    response = client.post(
        f"/terminals/enrol/?template={terminal_version.template_id}", {**values, "generate": "p256"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "BEGIN PRIVATE KEY" in body and response["Cache-Control"] == "no-store"
    credential = TerminalCredential.objects.get(terminal__enterprise=enterprise_a)
    assert credential.generated_by_portal and "PRIVATE" not in credential.public_key
    # the key on the page is the pair of the stored public key
    pem = body[body.index("-----BEGIN PRIVATE KEY-----") : body.index("-----END PRIVATE KEY-----") + 25]
    assert keys.public_key_of(keys.load_private_key(pem)).b64 == credential.public_key
    # bad input: a message, nothing written
    response = client.post(
        f"/terminals/enrol/?template={terminal_version.template_id}",
        {**device_values(2), "public_key": "xyz"},
    )
    assert response.status_code == 200 and "公钥格式无法识别" in response.content.decode()
    assert Terminal.objects.filter(enterprise=enterprise_a).count() == 1


def test_list_detail_actions_and_alerts(
    tenant_client, enterprise_a, admin_a, terminal_version, park_client, frozen_clock
):
    credential, private = enrolled(enterprise_a, admin_a, terminal_version)
    device = Device(park_client, credential.terminal.handle, private)
    device.authenticate()
    for n, value in enumerate(["20.5", "21", "22.25"], start=1):
        readings = [{"time": f"2026-03-18T0{n}:00:00Z", "item": "temperature", "value": value}]
        assert device.report(device.batch(n, readings)).status_code == 200
    client = login(tenant_client(enterprise_a), admin_a)
    page = client.get("/terminals/").content.decode()
    assert credential.terminal.handle in page and 'data-online="1"' in page
    detail = client.get(f"/terminals/{credential.terminal_id}/").content.decode()
    assert "<svg" in detail and "temperature" in detail and "22.25" in detail
    # later: offline, and the credential within 30 days of expiry
    frozen_clock.shift(dt.timedelta(days=340))
    rows = selectors.terminal_rows(enterprise_a)
    assert not rows[0].online and set(rows[0].alerts) == {"offline", "expiring"}
    client.force_login(admin_a)  # the session expired meanwhile
    page = client.get("/terminals/").content.decode()
    assert 'data-alert="offline"' in page and 'data-alert="expiring"' in page
    # revoke through the page: a reason is required
    url = f"/terminals/{credential.terminal_id}/credentials/{credential.pk}/revoke/"
    client.post(url, {"reason": ""})
    assert TerminalCredential.objects.get(pk=credential.pk).state == CredentialState.ACTIVE
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"reason": "设备报废"})
    assert TerminalCredential.objects.get(pk=credential.pk).state == CredentialState.REVOKED


def test_another_enterprise_sees_nothing(
    tenant_client, enterprise_a, enterprise_b, admin_a, admin_b, terminal_version
):
    credential, _private = enrolled(enterprise_a, admin_a, terminal_version)
    client = login(tenant_client(enterprise_b), admin_b)
    assert client.get(f"/terminals/{credential.terminal_id}/").status_code == 404
    url = f"/terminals/{credential.terminal_id}/credentials/{credential.pk}/revoke/"
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert credential.terminal.handle not in client.get("/terminals/").content.decode()
    assert TerminalCredential.objects.get(pk=credential.pk).state == CredentialState.ACTIVE


def test_park_statistics_page_counts_terminals_and_authentications(
    park_client, enterprise_a, enterprise_b, admin_a, admin_b, terminal_version
):
    from apps.terminals.models import AuthCount

    a, private_a = enrolled(enterprise_a, admin_a, terminal_version, n=1)
    b, _private_b = enrolled(enterprise_b, admin_b, terminal_version, n=2)
    Device(park_client, a.terminal.handle, private_a).authenticate()
    wrong = keys.generate_private_key("sm2")
    Device(park_client, b.terminal.handle, wrong).token_response(
        Device(park_client, b.terminal.handle, wrong).nonce()
    )
    stats = selectors.park_statistics()
    assert (stats.enrolled, stats.online) == (2, 0)
    assert sum(ok for _h, ok, _bad in stats.hourly) == 1 and sum(bad for _h, _ok, bad in stats.hourly) == 1
    assert [n for _reason, n in stats.failures] == [1]
    assert AuthCount.objects.filter(enterprise=enterprise_b, outcome="bad_signature").get().count == 1
    selectors.park_statistics()  # flushing again changes nothing
    assert AuthCount.objects.get(enterprise=enterprise_b, outcome="bad_signature").count == 1
    park_client.force_login(factories.user("park_admin", park_role="park_admin"))
    page = park_client.get("/terminals/").content.decode()
    assert 'data-testid="enrolled">2<' in page and "<svg" in page
    member = factories.member("member_x", enterprise_a)
    park_client.force_login(member)
    assert park_client.get("/terminals/").status_code == 403
