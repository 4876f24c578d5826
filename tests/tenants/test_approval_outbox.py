"""The prefix's upstream application is written in the approval's transaction: both or neither."""

from __future__ import annotations

import pytest

from apps.identifiers.models import Prefix
from apps.sync.models import OutboxEntry, OutboxOperation
from apps.tenants import services
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.services import enterprise_apply, enterprise_approve
from tests.tenants.test_onboarding import application

pytestmark = pytest.mark.django_db


def applications(handle: str):
    return OutboxEntry.objects.filter(operation=OutboxOperation.PREFIX_APPLY, handle=handle)


def test_the_apply_row_exists_before_commit(park, park_admin, django_capture_on_commit_callbacks):
    enterprise = enterprise_apply(**application())
    with django_capture_on_commit_callbacks(execute=False):
        result = enterprise_approve(enterprise=enterprise, actor=park_admin)
        # nothing after the commit is needed for the row: it is part of the approval itself
        assert applications(result.prefix.prefix).count() == 1


def test_a_failure_late_in_the_approval_leaves_neither_prefix_nor_apply_row(park, park_admin, monkeypatch):
    enterprise = enterprise_apply(**application())
    real_audit = services.audit_write

    def failing_audit(**kwargs):
        if kwargs["action"] == "enterprise.approve":
            raise RuntimeError("crash after the prefix was written")
        return real_audit(**kwargs)

    monkeypatch.setattr(services, "audit_write", failing_audit)
    with pytest.raises(RuntimeError):
        enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert not Prefix.objects.filter(prefix__iexact="88.101.XHJM").exists()
    assert not applications("88.101.XHJM").exists()
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLIED

    monkeypatch.setattr(services, "audit_write", real_audit)
    result = enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert applications(result.prefix.prefix).count() == 1


def test_a_pending_prefix_without_its_row_gets_one_on_a_second_approval(park, park_admin):
    enterprise = enterprise_apply(**application())
    result = enterprise_approve(enterprise=enterprise, actor=park_admin)
    applications(result.prefix.prefix).delete()  # as an older, half-finished approval left it
    enterprise_approve(enterprise=enterprise, actor=park_admin)
    enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert applications(result.prefix.prefix).count() == 1
