"""The applicant is told by mail: approval with the portal's address (never the password),
rejection with the reason. Sent after commit, once."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from apps.tenants.services import enterprise_apply, enterprise_approve, enterprise_reject
from tests.tenants.test_onboarding import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def test_approval_mail_names_the_portal_and_the_account_not_the_password(
    park, park_admin, outbox, django_capture_on_commit_callbacks
):
    enterprise = enterprise_apply(**application())
    with django_capture_on_commit_callbacks(execute=True):
        result = enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["liming@example.com"]
    assert "已批准" in message.subject
    assert re.search(r"https?://xhjm\.park\.localhost(:\d+)?/", message.body)
    assert result.admin_user.username in message.body
    assert result.initial_password not in message.body and result.initial_password not in message.subject

    # approving again changes nothing and mails nobody
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert len(outbox) == 1


def test_rejection_mail_gives_the_reason(
    park_client, park, park_admin, outbox, django_capture_on_commit_callbacks
):
    enterprise = enterprise_apply(**application())
    park_client.force_login(park_admin)
    with django_capture_on_commit_callbacks(execute=True):
        park_client.post(f"/tenants/{enterprise.pk}/reject/", {"reason": ""})
    assert outbox == []  # refused without a reason: nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_reject(enterprise=enterprise, actor=park_admin, reason="营业执照与申请信息不符")
    assert len(outbox) == 1
    assert outbox[0].to == ["liming@example.com"]
    assert "未通过" in outbox[0].subject
    assert "营业执照与申请信息不符" in outbox[0].body


def test_no_mail_before_commit(park, park_admin, outbox, django_capture_on_commit_callbacks):
    enterprise = enterprise_apply(**application())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enterprise_reject(enterprise=enterprise, actor=park_admin, reason="资料不全")
    assert outbox == [] and callbacks


def test_the_applicant_reads_the_parks_language_not_the_reviewers(
    park_client, park, park_admin, outbox, django_capture_on_commit_callbacks
):
    enterprise = enterprise_apply(**application())
    park_client.force_login(park_admin)
    park_client.cookies["django_language"] = "en"  # the reviewing administrator reads English
    with django_capture_on_commit_callbacks(execute=True):
        response = park_client.post(f"/tenants/{enterprise.pk}/reject/", {"reason": "资料不全"})
    assert response.status_code == 302
    assert len(outbox) == 1
    assert "入驻申请未通过" in outbox[0].subject and "原因：资料不全" in outbox[0].body
