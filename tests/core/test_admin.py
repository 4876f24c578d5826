"""The Django admin audits what it writes (MLPS level 3) and who signed in or out of it."""

import pytest

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEntry
from tests.factories import PASSWORD, member, user

pytestmark = pytest.mark.django_db


def _user_form(target: User, *, memberships=(), extra_forms=(), **changes) -> dict:
    """The admin's change form of ``target`` as the browser would post it."""
    data = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "display_name": target.display_name,
        "phone": target.phone,
        "park_role": target.park_role,
        "failed_login_count": target.failed_login_count,
        "locked_until_0": "",
        "locked_until_1": "",
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(target, flag):
            data[flag] = "on"
    data.update(changes)
    rows = list(memberships) + list(extra_forms)
    data.update(
        {
            "memberships-TOTAL_FORMS": len(rows),
            "memberships-INITIAL_FORMS": len(memberships),
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{i}-{key}"] = value
    return data


def _entries(obj, action):
    return AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk), action=action)


@pytest.fixture
def admin_client(park_client, park_admin):
    park_client.force_login(park_admin)
    return park_client


def test_park_role_and_superuser_changes_in_the_admin_are_audited(admin_client, park_admin, park):
    target = user("admin_target")
    url = f"/admin/accounts/user/{target.pk}/change/"
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, _user_form(target, park_role="park_operator", is_superuser="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.park_role == "park_operator" and target.is_superuser

    entry = _entries(target, "admin.change").get()
    assert entry.changes == {"is_superuser": [False, True], "park_role": ["", "park_operator"]}
    assert entry.actor == park_admin.username and entry.actor_user_id == park_admin.pk
    assert entry.tenant_schema == "public" and entry.object_repr == str(target)

    # Saving the form again unchanged is not an event.
    target.refresh_from_db()
    assert admin_client.post(url, _user_form(target)).status_code == 302
    assert _entries(target, "admin.change").count() == 1


def test_memberships_added_changed_and_removed_in_the_admin_are_audited(
    admin_client, park_admin, enterprise_a, enterprise_b
):
    target = user("admin_member_target")
    url = f"/admin/accounts/user/{target.pk}/change/"
    response = admin_client.post(
        url,
        _user_form(target, extra_forms=[{"enterprise": enterprise_a.pk, "role": "enterprise_member"}]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=target, enterprise=enterprise_a)
    added = _entries(membership, "admin.add").get()
    assert added.changes["role"] == [None, "enterprise_member"]
    assert added.changes["enterprise"] == [None, enterprise_a.pk]
    assert added.actor == park_admin.username

    existing = {"id": membership.pk, "user": target.pk, "enterprise": enterprise_a.pk}
    response = admin_client.post(
        url, _user_form(target, memberships=[{**existing, "role": "enterprise_admin"}])
    )
    assert response.status_code == 302
    assert _entries(membership, "admin.change").get().changes == {
        "role": ["enterprise_member", "enterprise_admin"]
    }

    response = admin_client.post(
        url, _user_form(target, memberships=[{**existing, "role": "enterprise_admin", "DELETE": "on"}])
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    removed = _entries(membership, "admin.delete").get()
    assert removed.changes["role"] == ["enterprise_admin", None]
    assert removed.changes["user"] == [target.pk, None]


def test_deleting_in_the_admin_is_audited_one_by_one_and_as_a_bulk_action(
    admin_client, park_admin, enterprise_a, enterprise_b
):
    one = Membership.objects.get(user=member("bulk_one", enterprise_a))
    two = Membership.objects.get(user=member("bulk_two", enterprise_b))
    three = Membership.objects.get(user=member("bulk_three", enterprise_a))

    response = admin_client.post(f"/admin/accounts/membership/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _entries(one, "admin.delete").get().changes["role"] == ["enterprise_member", None]

    response = admin_client.post(
        "/admin/accounts/membership/",
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=[two.pk, three.pk]).exists()
    assert _entries(two, "admin.delete").count() == 1
    assert _entries(three, "admin.delete").get().actor == park_admin.username


def test_a_new_user_from_the_admin_is_audited_without_its_password_hash(admin_client, park):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "made_in_admin",
            "password1": "Qiye#2026-Biaoshi",
            "password2": "Qiye#2026-Biaoshi",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="made_in_admin")
    entry = _entries(created, "admin.add").get()
    assert entry.changes["username"] == [None, "made_in_admin"]
    assert entry.changes["password"] == ["", "******"]
    assert created.password not in str(entry.changes)


def test_a_password_set_in_the_admin_is_audited_and_dated(admin_client, park_admin, park):
    target = user("admin_password_target")
    new = "Qiye#2026-Biaoshi"
    response = admin_client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.check_password(new) and target.password_changed_at is not None
    entry = _entries(target, "auth.password_change").get()
    assert entry.actor == park_admin.username


def test_a_bad_admin_form_changes_and_audits_nothing(admin_client, park):
    target = user("admin_bad_target")
    audited = AuditEntry.objects.count()
    response = admin_client.post(
        f"/admin/accounts/user/{target.pk}/change/", _user_form(target, park_role="emperor")
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.park_role == "" and AuditEntry.objects.count() == audited


def test_admin_login_failed_login_and_logout_are_audited_once(park_client, park_admin):
    assert not park_admin.is_staff  # a park role is enough for the admin

    before = AuditEntry.objects.count()
    response = park_client.post("/admin/login/", {"username": "park_admin", "password": "wrong-Pass1"})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    assert AuditEntry.objects.count() == before + 1
    failed = AuditEntry.objects.latest("id")
    assert (failed.action, failed.actor, failed.object_repr) == (
        "auth.login_failed",
        "park_admin",
        "park_admin",
    )

    response = park_client.post(
        "/admin/login/?next=/admin/", {"username": "park_admin", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert AuditEntry.objects.count() == before + 2
    login = AuditEntry.objects.latest("id")
    assert (login.action, login.actor, login.actor_user_id) == ("auth.login", "park_admin", park_admin.pk)
    assert park_client.get("/admin/").status_code == 200

    assert park_client.post("/admin/logout/").status_code == 302
    assert park_client.get("/admin/").status_code == 302
    assert AuditEntry.objects.count() == before + 3
    logout = AuditEntry.objects.latest("id")
    assert (logout.action, logout.actor_user_id) == ("auth.logout", park_admin.pk)


def test_portal_login_and_logout_are_audited_once(park_client, park_admin):
    before = AuditEntry.objects.count()
    response = park_client.post("/accounts/login/", {"username": "park_admin", "password": PASSWORD})
    assert response.status_code == 302
    assert list(AuditEntry.objects.filter(id__gt=0).order_by("-id")[:1].values_list("action", flat=True)) == [
        "auth.login"
    ]
    assert AuditEntry.objects.count() == before + 1
    park_client.post("/accounts/logout/")
    assert AuditEntry.objects.count() == before + 2
    assert AuditEntry.objects.latest("id").action == "auth.logout"


def test_enterprise_users_cannot_sign_in_to_the_admin(park_client, admin_a):
    User.objects.filter(pk=admin_a.pk).update(is_staff=True)
    response = park_client.post("/admin/login/", {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in park_client.session
    refused = AuditEntry.objects.latest("id")
    assert (refused.action, refused.actor) == ("auth.login_failed", "admin_a")


def test_operators_and_auditors_may_look_but_not_change(park_client, park):
    operator = user("admin_operator", park_role="park_operator")
    target = user("admin_untouched")
    park_client.force_login(operator)
    assert park_client.get("/admin/").status_code == 200
    assert park_client.get(f"/admin/accounts/user/{target.pk}/change/").status_code == 200
    response = park_client.post(
        f"/admin/accounts/user/{target.pk}/change/", _user_form(target, is_superuser="on")
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert not target.is_superuser


def test_secrets_are_masked_in_admin_audit_entries(rf, park_admin):
    from apps.core.admin import admin_audit

    request = rf.post("/admin/")
    request.user = park_admin
    target = user("masked_target")
    admin_audit(
        request,
        "admin.change",
        target,
        before={"password": "pbkdf2$old", "key_hash": "", "password_changed_at": None},
        after={"password": "pbkdf2$new", "key_hash": "ab12", "password_changed_at": "2026-11-24"},
    )
    entry = _entries(target, "admin.change").get()
    assert entry.changes == {
        "key_hash": ["", "******"],
        "password": ["******", "******"],
        "password_changed_at": [None, "2026-11-24"],
    }
