"""Administrators brought in by a mass onboarding (issue 18) are never given a password: each is
mailed an invitation, a one-time link to set their own. The link expires, works once, and a
re-sent invitation replaces it; the park administrator sees each invitation's state (sent /
accepted / expired) on the onboarding's results page and API, and can send it again."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from apps.accounts.models import Invitation, Membership
from apps.audit.models import AuditEntry
from apps.imports.onboarding import onboarding_check, onboarding_provision
from apps.tasks.models import TaskRun
from apps.tenants.models import Enterprise
from apps.tenants.services import enterprise_apply_many
from tests.imports.test_onboarding import drop_mass_schemas, rows, workbook  # noqa: F401

PASSWORD = "Zx9!kq2Lm#p7Vb"


def _onboard(park_admin, n: int, capture) -> TaskRun:
    run = TaskRun.objects.create(task_name="imports.onboard_enterprises", title="名单", started_by=park_admin)
    applications = onboarding_check(fileobj=io.BytesIO(workbook(rows(n))), name="名单.xlsx")
    created = enterprise_apply_many(applications=applications)
    with capture(execute=True):
        result = onboarding_provision(
            enterprise_ids=[e.pk for e in created], actor=park_admin, task_run_id=run.pk
        )
    TaskRun.objects.filter(pk=run.pk).update(state="succeeded", result=result)
    return run


def _link(mail) -> tuple[str, str]:
    """(host, path) of the one-time link in an invitation mail."""
    url = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.body).group(0)
    parts = urlsplit(url)
    return parts.hostname, parts.path


def _mail_to(mailoutbox, address: str):
    return [m for m in mailoutbox if m.to == [address]]


@pytest.mark.django_db
@pytest.mark.usefixtures("drop_mass_schemas")
def test_an_onboarded_administrator_sets_a_password_once_from_the_mailed_link(
    park,
    park_admin,
    park_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
    frozen_clock,
):
    run = _onboard(park_admin, 2, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mailoutbox) == ["mass1@example.com", "mass2@example.com"]
    mail = _mail_to(mailoutbox, "mass1@example.com")[0]
    assert "请设置企业管理员密码" in mail.subject
    assert "mass001_admin" in mail.body and "密码" in mail.body
    enterprise = Enterprise.objects.get(code="MASS001")
    admin = Membership.objects.get(enterprise=enterprise).user
    assert not admin.has_usable_password()
    run.refresh_from_db()
    assert run.result["invitations"] == 2  # the run's result counts them
    host, path = _link(mail)
    assert host.startswith("mass001.")  # the enterprise's own portal
    client = Client(HTTP_HOST=host)

    page = client.get(path)
    assert page.status_code == 200
    assert "设置登录密码" in page.content.decode()  # zh-Hans by default
    refused = client.post(path, {"new_password1": "short", "new_password2": "short"})
    assert refused.status_code == 200  # the password policy applies; nothing set
    admin.refresh_from_db()
    assert not admin.has_usable_password()

    done = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD) and admin.password_changed_at is not None
    assert Invitation.objects.get(user=admin).accepted_at is not None
    assert AuditEntry.objects.filter(action="auth.invitation_sent", object_id=str(admin.pk)).count() == 1
    assert AuditEntry.objects.filter(action="auth.invitation_accepted", object_id=str(admin.pk)).count() == 1
    # single use
    again = client.get(path)
    assert again.status_code == 410 and "链接已失效" in again.content.decode()
    assert (
        client.post(path, {"new_password1": "Other!pass99x", "new_password2": "Other!pass99x"}).status_code
        == 410
    )
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    assert client.login(username=admin.username, password=PASSWORD)

    # the park administrator sees who accepted
    park_client.force_login(park_admin)
    listing = park_client.get(f"/api/v1/imports/invitations/?run={run.pk}")
    assert listing.status_code == 200
    states = {row["username"]: row["state"] for row in listing.json()}
    assert states == {"mass001_admin": "accepted", "mass002_admin": "sent"}
    html = park_client.get(f"/imports/enterprises/{run.pk}/invitations/").content.decode()
    assert 'data-state="accepted"' in html and 'data-state="sent"' in html
    assert "已接受" in html and "已发送" in html
    # an accepted invitation is not sent again
    accepted_id = Invitation.objects.get(user=admin).pk
    refused = park_client.post(f"/api/v1/imports/invitations/{accepted_id}/resend/")
    assert refused.status_code == 400 and refused.json()["code"] == "invitation_accepted"


@pytest.mark.django_db
@pytest.mark.usefixtures("drop_mass_schemas")
def test_a_link_expires_and_a_resent_invitation_replaces_it(
    park,
    park_admin,
    park_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
    frozen_clock,
):
    run = _onboard(park_admin, 1, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(task_run=run)
    host, first = _link(mailoutbox[0])
    client = Client(HTTP_HOST=host)
    frozen_clock.shift(dt.timedelta(days=8))  # past the 7 days a link lasts

    assert client.get(first).status_code == 410
    park_client.force_login(park_admin)
    html = park_client.get(f"/imports/enterprises/{run.pk}/invitations/").content.decode()
    assert 'data-state="expired"' in html and "已过期" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = park_client.post(
            f"/imports/enterprises/invitations/{invitation.pk}/resend/", {"run": str(run.pk)}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 2
    _host, second = _link(mailoutbox[1])
    assert second != first
    assert client.get(second).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        api = park_client.post(f"/api/v1/imports/invitations/{invitation.pk}/resend/")
    assert api.status_code == 200
    assert api.json()["send_count"] == 3 and api.json()["state"] == "sent"
    _host, third = _link(mailoutbox[2])
    assert client.get(second).status_code == 410  # replaced by the newer invitation
    assert client.get(third).status_code == 200
    sent = AuditEntry.objects.filter(action="auth.invitation_sent", object_id=str(invitation.user_id))
    assert sent.count() == 3
    assert {e.actor for e in sent} >= {"park_admin"}


@pytest.mark.django_db
@pytest.mark.usefixtures("drop_mass_schemas")
def test_only_park_admins_see_and_resend_invitations(
    park,
    park_admin,
    park_auditor,
    park_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    run = _onboard(park_admin, 1, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(task_run=run)
    park_client.force_login(park_auditor)

    assert park_client.get(f"/api/v1/imports/invitations/?run={run.pk}").status_code == 403
    assert park_client.post(f"/api/v1/imports/invitations/{invitation.pk}/resend/").status_code == 403
    assert park_client.get(f"/imports/enterprises/{run.pk}/invitations/").status_code == 403
    assert park_client.post(f"/imports/enterprises/invitations/{invitation.pk}/resend/").status_code == 403
    assert len(mailoutbox) == 1
