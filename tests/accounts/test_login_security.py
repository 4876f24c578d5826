"""MLPS level-3 login policy: lockout, idle timeout, password complexity; admin for park staff."""

from datetime import timedelta

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from tests.conftest import FROZEN_NOW
from tests.factories import PASSWORD, user

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failures_lock_the_account_for_fifteen_minutes(park_client, park_admin, frozen_clock):
    for _ in range(4):
        response = post_login(park_client, "park_admin", "wrong-Password1")
        assert "用户名或密码错误" in response.content.decode()
    response = post_login(park_client, "park_admin", "wrong-Password1")
    assert "账号已锁定" in response.content.decode()
    park_admin.refresh_from_db()
    assert park_admin.locked_until == FROZEN_NOW + timedelta(minutes=15)

    # Even the right password is refused while locked, and the form says how long to wait.
    response = post_login(park_client, "park_admin", PASSWORD)
    assert response.status_code == 200
    assert "15 分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in park_client.session
    assert AuditEntry.objects.filter(action="auth.locked", actor="park_admin").exists()

    # A second before the lock ends it still holds; once it has ended the right password works
    # and the counter starts over.
    frozen_clock.shift(timedelta(minutes=15) - timedelta(seconds=1))
    assert "账号已锁定" in post_login(park_client, "park_admin", PASSWORD).content.decode()
    frozen_clock.shift(timedelta(seconds=1))
    assert post_login(park_client, "park_admin", PASSWORD).status_code == 302
    park_admin.refresh_from_db()
    assert park_admin.failed_login_count == 0 and park_admin.locked_until is None
    assert AuditEntry.objects.filter(action="auth.login", actor="park_admin").exists()


def test_a_success_resets_the_failure_count(park_client, park_admin):
    for _ in range(4):
        post_login(park_client, "park_admin", "wrong-Password1")
    assert post_login(park_client, "park_admin", PASSWORD).status_code == 302
    park_client.logout()
    for _ in range(4):
        post_login(park_client, "park_admin", "wrong-Password1")
    assert post_login(park_client, "park_admin", PASSWORD).status_code == 302


def test_unknown_user_gets_the_same_message(park_client, park):
    response = post_login(park_client, "nobody-here", "whatever-Pass1")
    assert "用户名或密码错误" in response.content.decode()


def test_idle_session_ends_after_timeout(park_client, park_admin, settings, frozen_clock):
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30
    assert post_login(park_client, "park_admin", PASSWORD).status_code == 302
    assert park_client.get("/tenants/").status_code == 200
    frozen_clock.shift(timedelta(minutes=29))  # back after 29 minutes: still in
    assert park_client.get("/tenants/").status_code == 200
    frozen_clock.shift(timedelta(minutes=30, seconds=1))  # idle for over 30 minutes since: out
    response = park_client.get("/tenants/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in park_client.session
    assert park_client.get("/tenants/").status_code == 302


def test_idle_timeout_is_configurable(park_client, park_admin, settings, frozen_clock):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    park_client.force_login(park_admin)
    park_client.get("/tenants/")
    frozen_clock.shift(timedelta(minutes=4, seconds=59))
    assert park_client.get("/tenants/").status_code == 200
    frozen_clock.shift(timedelta(minutes=5, seconds=1))
    assert park_client.get("/tenants/").status_code == 302


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short1A!", "至少"),
        ("alllowercaseletters", "至少三类"),
        ("alllowercase123", "至少三类"),
        ("12345678901234", "只包含数字"),
    ],
)
def test_password_change_enforces_complexity(park_client, new_password, message):
    account = user("complexity_user")
    park_client.force_login(account)
    response = park_client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


def test_password_change_accepts_a_complex_password(park_client, park):
    account = user("complexity_ok")
    park_client.force_login(account)
    new = "Qiye#2026-Biaoshi"
    response = park_client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password(new)
    assert account.password_changed_at is not None
    entry = AuditEntry.objects.filter(action="auth.password_change", object_id=str(account.pk)).get()
    assert entry.actor == account.username
    # Still signed in: the session follows the new password.
    assert park_client.get("/accounts/password/").status_code == 200


def test_logout(park_client, park_admin):
    park_client.force_login(park_admin)
    response = park_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert park_client.get("/tenants/").status_code == 302


def test_non_member_gets_403_on_enterprise_domain_and_its_api(enterprise_a, admin_a, admin_b, tenant_client):
    client = tenant_client(enterprise_a)
    client.force_login(admin_b)
    response = client.get("/tasks/")
    assert response.status_code == 403
    assert enterprise_a.name not in response.content.decode()
    response = client.get("/api/v1/identifiers/")
    assert response.status_code == 403
    assert enterprise_a.name not in response.content.decode()
    # Its own members get both.
    client.force_login(admin_a)
    assert client.get("/tasks/").status_code == 200
    assert client.get("/api/v1/identifiers/").status_code == 200
    assert Client(HTTP_HOST="alpha.park.localhost").get("/").status_code == 302  # anonymous → login


def test_park_roles_shape_the_menu(park_client, park_admin, park_auditor, admin_a):
    park_client.force_login(park_admin)
    assert "入驻企业" in park_client.get("/").content.decode()
    park_client.force_login(admin_a)
    assert "入驻企业" not in park_client.get("/").content.decode()


def test_park_staff_reach_the_admin_by_park_role_from_the_menu(park_client, park, admin_a):
    for role in ("park_operator", "park_auditor", "park_admin"):
        staff = user(f"menu_{role}", park_role=role)
        assert not staff.is_staff
        park_client.force_login(staff)
        assert 'href="/admin/"' in park_client.get("/").content.decode()
        assert park_client.get("/admin/").status_code == 200
        assert park_client.get("/admin/accounts/user/").status_code == 200
    # An operator signs in at the admin's own login page too.
    park_client.logout()
    response = park_client.post(
        "/admin/login/?next=/admin/", {"username": "menu_park_operator", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    # Enterprise users see no such link and do not get in.
    park_client.force_login(admin_a)
    assert 'href="/admin/"' not in park_client.get("/").content.decode()
    assert park_client.get("/admin/").status_code == 302


def test_django_admin_is_for_park_staff_only(park_client, park, admin_a):
    staff = user("staff_admin", park_role="park_admin", is_staff=True)
    park_client.force_login(staff)
    assert park_client.get("/admin/").status_code == 200
    assert park_client.get("/admin/tenants/enterprise/").status_code == 200
    assert park_client.get("/admin/audit/auditentry/").status_code == 200
    assert park_client.get("/admin/accounts/user/").status_code == 200
    # An enterprise user with is_staff ticked by mistake still cannot get in.
    User.objects.filter(pk=admin_a.pk).update(is_staff=True)
    park_client.force_login(User.objects.get(pk=admin_a.pk))
    response = park_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_audit_log_is_read_only_in_admin(park_client, park, enterprise_a):
    auditor = user("staff_auditor", park_role="park_auditor")
    park_client.force_login(auditor)
    entry = AuditEntry.objects.latest("id")  # the auditor's own login
    assert (entry.action, entry.actor) == ("auth.login", "staff_auditor")
    response = park_client.get("/admin/audit/auditentry/")
    assert response.status_code == 200
    assert park_client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    response = park_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()

    # The auditor reads the enterprise but cannot change it.
    url = f"/admin/tenants/enterprise/{enterprise_a.pk}/change/"
    assert park_client.get(url).status_code == 200
    name = enterprise_a.name
    response = park_client.post(url, {"name": "改名测试有限公司", "code": enterprise_a.code})
    assert response.status_code == 403
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == name
