"""Suspending an enterprise (or its prefix) stops every door that writes its identifiers: the
REST API on the park domain, the SNMS API and the services; resuming opens them again."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditEntry
from apps.core.errors import ApplicationError, PermissionDenied
from apps.identifiers.choices import IdentifierStatus, PrefixStatus
from apps.identifiers.models import Identifier, Prefix
from apps.identifiers.prefixes import prefix_resume, prefix_revoke, prefix_suspend
from apps.identifiers.services import can_write, identifier_update
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.services import enterprise_resume, enterprise_suspend
from tests.factories import PASSWORD
from tests.identifiers.conftest import product

pytestmark = pytest.mark.django_db

URL = "/api/v1/identifiers/"


def api(user) -> Client:
    key = Token.objects.get_or_create(user=user)[0].key
    return Client(HTTP_HOST="park.localhost", HTTP_AUTHORIZATION=f"Token {key}")


def test_enterprise_suspension_suspends_its_prefix_and_resume_restores_it(alpha, park_admin):
    enterprise_suspend(enterprise=alpha, actor=park_admin, reason="欠费")
    prefix = Prefix.objects.get(prefix="88.101.ALPHA")
    assert prefix.status == PrefixStatus.SUSPENDED
    entry = AuditEntry.objects.get(action="prefix.suspend", object_id=str(prefix.pk))
    assert entry.actor == "park_admin" and entry.changes["reason"] == [None, "欠费"]

    enterprise_resume(enterprise=alpha, actor=park_admin)
    prefix.refresh_from_db()
    assert prefix.status == PrefixStatus.ACTIVE
    assert AuditEntry.objects.filter(action="prefix.resume", object_id=str(prefix.pk)).exists()


def test_member_of_a_suspended_enterprise_cannot_write_through_the_park_api(
    alpha, admin_a, park_admin, register_product
):
    ident = register_product(1)
    client = api(admin_a)
    enterprise_suspend(enterprise=alpha, actor=park_admin)

    response = client.patch(f"{URL}{ident.pk}/", {"values": {"model": "X"}}, content_type="application/json")
    assert response.status_code == 403
    assert "已暂停" in response.json()["message"]
    response = client.post(f"{URL}{ident.pk}/withdraw/", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert client.delete(f"{URL}{ident.pk}/").status_code == 403
    ident.refresh_from_db()
    assert ident.status == IdentifierStatus.ACTIVE
    assert {v["type"]: v["data"]["value"] for v in ident.values}["model"] == "SCB11-630"
    # reading still works: the data is kept
    assert client.get(f"{URL}{ident.pk}/").status_code == 200

    enterprise_resume(enterprise=alpha, actor=park_admin)
    response = client.patch(f"{URL}{ident.pk}/", {"values": {"model": "X"}}, content_type="application/json")
    assert response.status_code == 200, response.json()


def test_member_of_a_suspended_enterprise_cannot_delete_through_the_snms_api(
    alpha, admin_a, park_admin, register_product
):
    ident = register_product(1)
    client = Client(HTTP_HOST="park.localhost")
    token = client.post(
        "/identity/token", {"username": "admin_a", "password": PASSWORD}, content_type="application/json"
    ).json()["data"]["token"]
    enterprise_suspend(enterprise=alpha, actor=park_admin)
    response = client.generic(
        "DELETE",
        "/identityv2/data",
        f'{{"handle": "{ident.handle}"}}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json()["status"] != 1
    ident.refresh_from_db()
    assert ident.status == IdentifierStatus.ACTIVE


def test_services_refuse_with_the_reason_even_for_a_cached_enterprise_object(
    alpha, admin_a, park_admin, register_product, mfg
):
    ident = register_product(1)
    stale = ident.enterprise  # loaded before the suspension, still says "active"
    enterprise_suspend(enterprise=alpha, actor=park_admin)
    assert stale.status == EnterpriseStatus.ACTIVE
    assert not can_write(admin_a, stale)
    with pytest.raises(PermissionDenied, match="已暂停"):
        identifier_update(actor=admin_a, identifier=ident, values=product(1, model="X"))


def test_a_suspended_prefix_alone_refuses_writes_and_a_revoked_one_stays_revoked(
    alpha, admin_a, park_admin, register_product
):
    ident = register_product(1)
    prefix = Prefix.objects.get(prefix="88.101.ALPHA")
    prefix_suspend(prefix=prefix, actor=park_admin, reason="核查")
    with pytest.raises(PermissionDenied, match="88.101.ALPHA 已暂停"):
        identifier_update(actor=admin_a, identifier=ident, values=product(1, model="X"))
    prefix_resume(prefix=prefix, actor=park_admin)
    identifier_update(actor=admin_a, identifier=ident, values=product(1, model="Y"))

    with pytest.raises(ApplicationError, match="注销原因"):
        prefix_revoke(prefix=prefix, actor=park_admin, reason=" ")
    prefix.refresh_from_db()
    assert prefix.status == PrefixStatus.ACTIVE
    prefix_revoke(prefix=prefix, actor=park_admin, reason="企业注销")
    assert AuditEntry.objects.filter(action="prefix.revoke", object_id=str(prefix.pk)).exists()
    with pytest.raises(ApplicationError, match="只能恢复已暂停的前缀"):
        prefix_resume(prefix=prefix, actor=park_admin)
    response = api(admin_a).patch(
        f"{URL}{ident.pk}/", {"values": {"model": "Z"}}, content_type="application/json"
    )
    assert response.status_code == 403 and "已注销" in response.json()["message"]
    assert {v["type"]: v["data"]["value"] for v in Identifier.objects.get(pk=ident.pk).values}["model"] == "Y"


def test_park_admin_suspends_and_resumes_from_the_enterprise_page(park_client, alpha, park_admin):
    park_client.force_login(park_admin)
    page = park_client.get(f"/tenants/{alpha.pk}/").content.decode()
    assert "暂停" in page
    response = park_client.post(f"/tenants/{alpha.pk}/suspend/", {"reason": "欠费"}, follow=True)
    assert "已暂停该企业" in response.content.decode()
    alpha.refresh_from_db()
    assert alpha.status == EnterpriseStatus.SUSPENDED
    assert Prefix.objects.get(prefix="88.101.ALPHA").status == PrefixStatus.SUSPENDED
    response = park_client.post(f"/tenants/{alpha.pk}/resume/", follow=True)
    assert "已恢复该企业" in response.content.decode()
    alpha.refresh_from_db()
    assert alpha.status == EnterpriseStatus.ACTIVE
    assert Prefix.objects.get(prefix="88.101.ALPHA").status == PrefixStatus.ACTIVE


def test_park_admin_revokes_a_prefix_from_the_enterprise_page(park_client, alpha, park_admin, park_auditor):
    prefix = Prefix.objects.get(prefix="88.101.ALPHA")
    url = f"/tenants/{alpha.pk}/prefixes/{prefix.pk}/revoke/"
    park_client.force_login(park_auditor)
    assert park_client.post(url, {"reason": "企业注销"}).status_code == 403
    park_client.force_login(park_admin)
    response = park_client.post(url, {"reason": ""}, follow=True)
    assert "请填写注销原因" in response.content.decode()
    prefix.refresh_from_db()
    assert prefix.status == PrefixStatus.ACTIVE
    response = park_client.post(url, {"reason": "企业注销"}, follow=True)
    assert "已注销前缀" in response.content.decode()
    prefix.refresh_from_db()
    assert prefix.status == PrefixStatus.REVOKED
