"""Enterprise members: an enterprise administrator adds users (new, with a one-time password, or
existing), changes roles and removes members on the 成员 page; never the last administrator;
never another enterprise's members."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEntry
from apps.core.errors import ApplicationError, PermissionDenied
from apps.tenants.memberships import membership_create, membership_remove, membership_set_role
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db

MEMBERS = "/tenants/members/"


@pytest.fixture
def alpha_admin_client(enterprise_a, admin_a, tenant_client):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    return client


def test_admin_adds_a_new_user_who_logs_in_with_the_password_shown_once(
    alpha_admin_client, enterprise_a, tenant_client
):
    assert f'href="{MEMBERS}"' in alpha_admin_client.get("/").content.decode()  # in the menu
    page = alpha_admin_client.get(MEMBERS)
    assert page.status_code == 200 and "admin_a" in page.content.decode()
    response = alpha_admin_client.post(
        MEMBERS,
        {
            "username": "wang_gong",
            "display_name": "王工",
            "email": "wang@example.com",
            "role": "enterprise_member",
        },
    )
    assert response.status_code == 200
    password = html.unescape(
        re.search(r'class="initial-password">([^<]+)<', response.content.decode()).group(1)
    )
    user = User.objects.get(username="wang_gong")
    assert Membership.objects.get(user=user, enterprise=enterprise_a).role == "enterprise_member"
    assert password not in str(
        AuditEntry.objects.filter(object_repr__contains="wang_gong").values_list("changes")
    )
    assert AuditEntry.objects.filter(action="membership.create", actor="admin_a").exists()
    assert AuditEntry.objects.filter(action="user.create", object_repr="wang_gong").exists()
    # the list no longer shows the password
    assert password not in alpha_admin_client.get(MEMBERS).content.decode()

    client = tenant_client(enterprise_a)
    login = client.post("/accounts/login/", {"username": "wang_gong", "password": password})
    assert login.status_code == 302
    assert client.get("/").status_code == 200


def test_admin_attaches_an_existing_user_without_a_password(alpha_admin_client, enterprise_a, admin_b):
    response = alpha_admin_client.post(
        MEMBERS, {"username": "admin_b", "role": "enterprise_member"}, follow=True
    )
    assert "已将 admin_b 加入本企业" in response.content.decode()
    assert "initial-password" not in response.content.decode()
    assert Membership.objects.filter(user=admin_b, enterprise=enterprise_a).exists()
    assert admin_b.check_password(PASSWORD)  # untouched

    response = alpha_admin_client.post(MEMBERS, {"username": "ADMIN_B", "role": "enterprise_member"})
    assert response.status_code == 400
    assert "该用户已是本企业成员" in response.content.decode()
    assert Membership.objects.filter(user=admin_b, enterprise=enterprise_a).count() == 1


def test_bad_input_is_refused_on_the_field(alpha_admin_client, park_admin):
    before = (User.objects.count(), Membership.objects.count())
    response = alpha_admin_client.post(MEMBERS, {"username": "bad name!", "role": "enterprise_member"})
    assert response.status_code == 400
    assert "username" in response.context["form"].errors
    response = alpha_admin_client.post(MEMBERS, {"username": "park_admin", "role": "enterprise_member"})
    assert "园区工作人员的账号不能加入企业" in response.content.decode()
    response = alpha_admin_client.post(MEMBERS, {"username": "someone", "role": "owner"})
    assert "role" in response.context["form"].errors
    assert (User.objects.count(), Membership.objects.count()) == before


def test_role_change_and_removal_keep_the_last_admin(alpha_admin_client, enterprise_a, admin_a, member_a):
    own = Membership.objects.get(user=admin_a, enterprise=enterprise_a)
    other = Membership.objects.get(user=member_a, enterprise=enterprise_a)

    response = alpha_admin_client.post(f"{MEMBERS}{own.pk}/role/", {"role": "enterprise_member"}, follow=True)
    assert "不能更改最后一名管理员的角色" in response.content.decode()
    response = alpha_admin_client.post(f"{MEMBERS}{own.pk}/remove/", follow=True)
    assert "不能移除最后一名管理员" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "enterprise_admin"

    alpha_admin_client.post(f"{MEMBERS}{other.pk}/role/", {"role": "enterprise_admin"})
    other.refresh_from_db()
    assert other.role == "enterprise_admin"
    assert AuditEntry.objects.filter(action="membership.set_role", object_id=str(other.pk)).exists()
    # now there are two: admin_a may step down, then is no longer allowed on the page
    alpha_admin_client.post(f"{MEMBERS}{own.pk}/role/", {"role": "enterprise_member"})
    own.refresh_from_db()
    assert own.role == "enterprise_member"
    assert alpha_admin_client.get(MEMBERS).status_code == 403


def test_an_unknown_role_is_refused_on_the_page_and_nothing_changes(
    alpha_admin_client, enterprise_a, member_a
):
    other = Membership.objects.get(user=member_a, enterprise=enterprise_a)
    response = alpha_admin_client.post(f"{MEMBERS}{other.pk}/role/", {"role": "owner"}, follow=True)
    assert "角色无效" in response.content.decode()
    other.refresh_from_db()
    assert other.role == "enterprise_member"
    assert not AuditEntry.objects.filter(action="membership.set_role", object_id=str(other.pk)).exists()


def test_admin_removes_a_member(alpha_admin_client, enterprise_a, member_a):
    membership = Membership.objects.get(user=member_a, enterprise=enterprise_a)
    response = alpha_admin_client.post(f"{MEMBERS}{membership.pk}/remove/", follow=True)
    assert "已将 member_a 移出本企业" in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=member_a.pk).exists()  # the account stays
    assert AuditEntry.objects.filter(action="membership.remove", object_id=str(membership.pk)).exists()


def test_members_and_other_enterprises_cannot_manage(
    enterprise_a, enterprise_b, member_a, admin_a, admin_b, tenant_client
):
    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    assert client.get(MEMBERS).status_code == 403
    assert client.post(MEMBERS, {"username": "x1", "role": "enterprise_admin"}).status_code == 403
    assert not User.objects.filter(username="x1").exists()

    # beta's administrator is not let into alpha's domain at all
    client = tenant_client(enterprise_a)
    client.force_login(admin_b)
    assert client.get(MEMBERS).status_code == 403

    # alpha's administrator cannot reach beta's memberships through alpha's domain
    beta_membership = Membership.objects.get(user=admin_b, enterprise=enterprise_b)
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    assert client.post(f"{MEMBERS}{beta_membership.pk}/remove/").status_code == 404
    assert (
        client.post(f"{MEMBERS}{beta_membership.pk}/role/", {"role": "enterprise_member"}).status_code == 404
    )
    assert Membership.objects.filter(pk=beta_membership.pk, role="enterprise_admin").exists()

    # and the services refuse it whatever the door
    with pytest.raises(PermissionDenied):
        membership_create(actor=admin_a, enterprise=enterprise_b, username="intruder")
    with pytest.raises(PermissionDenied):
        membership_remove(actor=admin_a, membership=beta_membership)
    with pytest.raises(PermissionDenied):
        membership_set_role(
            actor=member_a, membership=Membership.objects.get(user=admin_a), role="enterprise_member"
        )
    assert not User.objects.filter(username="intruder").exists()

    # the anonymous visitor goes to the login page
    assert Client(HTTP_HOST="alpha.park.localhost").get(MEMBERS).status_code == 302


def test_park_admin_manages_members_through_the_service(enterprise_b, park_admin, admin_b):
    result = membership_create(
        actor=park_admin, enterprise=enterprise_b, username="zhao_b", role="enterprise_admin"
    )
    assert result.initial_password and result.membership.role == "enterprise_admin"
    membership_remove(
        actor=park_admin, membership=Membership.objects.get(user=admin_b, enterprise=enterprise_b)
    )
    with pytest.raises(ApplicationError, match="最后一名管理员"):
        membership_remove(actor=park_admin, membership=result.membership)
    extra = member("extra_b", enterprise_b)
    assert Membership.objects.filter(user=extra, enterprise=enterprise_b).exists()
