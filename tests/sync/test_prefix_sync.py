"""An approved enterprise prefix is applied for at the upstream node and its status followed."""

from __future__ import annotations

import pytest

from apps.identifiers.choices import PrefixStatus, UpstreamStatus
from apps.identifiers.models import Prefix
from apps.sync.models import OutboxEntry, OutboxOperation, OutboxStatus
from apps.sync.services import prefix_status_refresh, prefix_sync_enqueue, sync_drain
from tests import factories
from tests.sync.applications import KYC

pytestmark = pytest.mark.django_db


def test_prefix_applied_upstream_reviewed_and_shown_to_park_and_enterprise(
    link, up, park_admin, tenant_client
):
    gamma = factories.ensure_enterprise("gamma")
    prefix = Prefix.objects.create(prefix="88.101.GAMMA", enterprise=gamma, status=PrefixStatus.ACTIVE)

    prefix_sync_enqueue(prefix, kyc=KYC)

    entry = OutboxEntry.objects.get(operation=OutboxOperation.PREFIX_APPLY, handle="88.101.GAMMA")
    prefix.refresh_from_db()
    assert prefix.upstream_status == UpstreamStatus.PENDING

    assert sync_drain()["sent"] == 1
    entry.refresh_from_db()
    prefix.refresh_from_db()
    assert entry.status == OutboxStatus.SENT
    assert prefix.upstream_status == UpstreamStatus.UNDER_REVIEW
    # The upstream holds an application for the enterprise (its own review queue).
    rows = up.sql("SELECT name, credit_code, status FROM tenants_enterprise WHERE lower(code) = 'gamma'")
    assert rows == [(gamma.name, gamma.credit_code, "applied")]

    # Still under review upstream: the beat task leaves it so.
    assert prefix_status_refresh()["changed"] == 0

    up.approve_applications()
    assert prefix_status_refresh()["changed"] == 1
    prefix.refresh_from_db()
    assert prefix.upstream_status == UpstreamStatus.ACTIVE

    # Shown to the park on the sync page and to the enterprise on its domain.
    from django.test import Client

    park = Client(HTTP_HOST="park.localhost")
    park.force_login(park_admin)
    assert "88.101.GAMMA" in park.get("/sync/").content.decode()
    admin_g = factories.member("admin_g", gamma, role="enterprise_admin")
    client = tenant_client(gamma)
    client.force_login(admin_g)
    page = client.get("/sync/prefix/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "88.101.GAMMA" in body and str(UpstreamStatus.ACTIVE.label) in body


# ---------------------------------------------------------------- the application's data from the record
def _approved(park_admin, *, code: str, credit_code: str, **upstream_info):
    from apps.tenants.services import enterprise_apply, enterprise_approve
    from tests.tenants.test_onboarding import application

    enterprise = enterprise_apply(**application(code=code, credit_code=credit_code, **upstream_info))
    return enterprise_approve(enterprise=enterprise, actor=park_admin)


def _upstream_application(up, code: str) -> list[tuple]:
    return up.sql("SELECT name, status FROM tenants_enterprise WHERE lower(code) = %s", [code.lower()])


def test_approving_an_enterprise_with_complete_data_applies_upstream(link, up, park_admin):
    from tests.sync.applications import UPSTREAM_INFO

    result = _approved(park_admin, code="KYCOK", credit_code=factories.SPARE_CREDIT_CODES[2], **UPSTREAM_INFO)
    entry = OutboxEntry.objects.get(operation=OutboxOperation.PREFIX_APPLY, handle=result.prefix.prefix)
    info = entry.payload["entBasicInfo"]
    assert (info["orgNature"], info["legalName"], info["legalCrtNo"]) == ("2", "王五", "320502198306150716")
    assert (info["orgCrtImgRid"], info["contactCrtType"]) == (7, 1)

    assert sync_drain()["sent"] == 1

    entry.refresh_from_db()
    prefix = Prefix.objects.get(pk=result.prefix.pk)
    assert entry.status == OutboxStatus.SENT, entry.last_error
    assert prefix.upstream_status == UpstreamStatus.UNDER_REVIEW
    # The second node (which checks every documented field) took the application.
    assert _upstream_application(up, "KYCOK") == [(result.enterprise.name, "applied")]


def test_missing_data_holds_the_application_until_the_park_completes_it(
    link, up, park_admin, park_client, tenant_client
):
    from apps.tenants.services import enterprise_apply
    from tests.factories import PASSWORD
    from tests.sync.applications import UPSTREAM_INFO
    from tests.tenants.test_onboarding import application

    enterprise = enterprise_apply(**application(code="KYCWAIT", credit_code=factories.SPARE_CREDIT_CODES[3]))
    park_client.login(username=park_admin.username, password=PASSWORD)
    approved = park_client.post(f"/tenants/{enterprise.pk}/approve/")
    # The approval page already says the application waits, and for what.
    assert 'data-test="upstream-message"' in approved.content.decode()
    assert "法定代表人姓名" in approved.content.decode()
    result = approved.context
    entry = OutboxEntry.objects.get(operation=OutboxOperation.PREFIX_APPLY, handle=result["prefix"].prefix)
    prefix = Prefix.objects.get(pk=result["prefix"].pk)
    # Waiting, naming what is missing; never sent, so the upstream has nothing.
    assert entry.status == OutboxStatus.WAITING_DATA
    assert prefix.upstream_status == UpstreamStatus.PENDING
    for label in (
        "单位性质",
        "营业执照图片编号",
        "联系人证件号码",
        "法定代表人姓名",
        "法定代表人证件反面图片编号",
    ):
        assert label in prefix.upstream_message and label in entry.last_error
    assert "联系人邮箱" not in prefix.upstream_message  # held by the record already
    assert sync_drain()["sent"] == 0
    assert _upstream_application(up, "KYCWAIT") == []

    # Shown to the park (enterprise page, sync page) and to the enterprise (its prefix page).
    detail = park_client.get(f"/tenants/{enterprise.pk}/").content.decode()
    assert 'data-test="upstream-missing"' in detail and "法定代表人姓名" in detail
    sync_page = park_client.get("/sync/").content.decode()
    assert "等待补充上级节点前缀申请资料" in sync_page
    # waiting for data is not a failure: counted apart, no retry for it
    assert 'data-test="waiting-data">1<' in sync_page and 'data-test="failed">0<' in sync_page
    admin = factories.member("admin_kycwait", enterprise, role="enterprise_admin")
    client = tenant_client(enterprise)
    client.force_login(admin)
    assert "等待补充上级节点前缀申请资料" in client.get("/sync/prefix/").content.decode()

    # The park administrator completes the data on the enterprise page: the application goes.
    form = {"address": enterprise.address, "industry_code": enterprise.industry_code, **UPSTREAM_INFO}
    response = park_client.post(f"/tenants/{enterprise.pk}/upstream-info/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.PENDING and entry.last_error == ""
    assert entry.payload["entBasicInfo"]["legalName"] == "王五"

    assert sync_drain()["sent"] == 1

    entry.refresh_from_db()
    prefix.refresh_from_db()
    assert entry.status == OutboxStatus.SENT, entry.last_error
    assert prefix.upstream_status == UpstreamStatus.UNDER_REVIEW and prefix.upstream_message == ""
    assert _upstream_application(up, "KYCWAIT") == [(enterprise.name, "applied")]
    assert 'data-test="upstream-complete"' in park_client.get(f"/tenants/{enterprise.pk}/").content.decode()


def test_an_application_written_without_the_data_is_held_by_the_drain_not_sent(link, up, enterprise_a):
    """A row from before the record held the data (or set aside while there was no upstream)."""
    prefix = Prefix.objects.create(prefix="88.101.HELD", enterprise=enterprise_a, status=PrefixStatus.ACTIVE)
    from apps.sync.services import _application_body

    entry = OutboxEntry.objects.create(
        operation=OutboxOperation.PREFIX_APPLY, handle=prefix.prefix, payload=_application_body(prefix)
    )

    assert sync_drain()["sent"] == 0

    entry.refresh_from_db()
    prefix.refresh_from_db()
    assert entry.status == OutboxStatus.WAITING_DATA and "单位性质" in entry.last_error
    assert prefix.upstream_status == UpstreamStatus.PENDING and "单位性质" in prefix.upstream_message
    assert _upstream_application(up, "held") == []
