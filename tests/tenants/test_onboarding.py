"""Onboarding: apply (public form) → park admin approves or rejects → schema, domain, admin, prefix."""

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEntry
from apps.identifiers.models import Prefix
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Domain, Enterprise
from apps.tenants.services import enterprise_apply, enterprise_approve, enterprise_reject, enterprise_suspend
from tests.factories import PASSWORD, SPARE_CREDIT_CODES

pytestmark = pytest.mark.django_db


def application(**overrides):
    data = {
        "name": "苏州星河精密制造有限公司",
        "short_name": "星河精密",
        "credit_code": SPARE_CREDIT_CODES[0],
        "code": "XHJM",
        "industry_code": "C3484",
        "address": "苏州工业园区星湖街 88 号",
        "contact_name": "李明",
        "contact_phone": "13912345678",
        "contact_email": "liming@example.com",
    }
    data.update(overrides)
    return data


def login(client, username, password):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_apply_approve_and_enterprise_portal_serves_its_admin(park_client, park_admin):
    response = park_client.post("/tenants/apply/", application())
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(code="XHJM")
    assert enterprise.status == EnterpriseStatus.APPLIED
    assert not schema_exists(enterprise.schema_name)

    login(park_client, "park_admin", PASSWORD)
    listing = park_client.get("/tenants/?status=applied")
    assert "苏州星河精密制造有限公司" in listing.content.decode()
    detail = park_client.get(f"/tenants/{enterprise.pk}/")
    assert "批准并开通" in detail.content.decode()

    response = park_client.post(f"/tenants/{enterprise.pk}/approve/")
    assert response.status_code == 200
    page = response.content.decode()
    password = html.unescape(re.search(r'class="initial-password">([^<]+)<', page).group(1))
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.ACTIVE
    assert schema_exists("ent_xhjm")
    with schema_context("ent_xhjm"), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        assert cursor.fetchone()[0] > 0  # cloned with the base schema's migration history
    assert Domain.objects.filter(domain="xhjm.park.localhost", tenant=enterprise).exists()
    prefix = Prefix.objects.get(enterprise=enterprise)
    assert prefix.prefix == "88.101.XHJM"
    assert (prefix.status, prefix.upstream_status) == ("active", "pending")
    admin = Membership.objects.get(enterprise=enterprise, role="enterprise_admin").user
    assert admin.email == "liming@example.com"
    actions = set(AuditEntry.objects.filter(actor="park_admin").values_list("action", flat=True))
    assert {"enterprise.approve", "user.create", "prefix.create"} <= actions

    # The enterprise's own domain now serves its portal to its administrator.
    client = Client(HTTP_HOST="xhjm.park.localhost")
    login(client, admin.username, password)
    home = client.get("/")
    assert home.status_code == 200
    assert "苏州星河精密制造有限公司" in home.content.decode()
    # ...and refuses someone from another enterprise.
    other = Client(HTTP_HOST="xhjm.park.localhost")
    other.force_login(park_admin)
    assert other.get("/").status_code == 403


def test_approving_twice_creates_nothing_twice(park, park_admin):
    enterprise = enterprise_apply(**application())
    first = enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert first.initial_password and first.created
    counts = (
        User.objects.count(),
        Domain.objects.count(),
        Prefix.objects.count(),
        AuditEntry.objects.count(),
    )
    second = enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert second.initial_password is None and not second.created
    assert second.admin_user == first.admin_user
    assert counts == (
        User.objects.count(),
        Domain.objects.count(),
        Prefix.objects.count(),
        AuditEntry.objects.count(),
    )


def test_approve_twice_through_the_page_says_nothing_changed(park_client, park, park_admin):
    enterprise = enterprise_apply(**application())
    enterprise_approve(enterprise=enterprise, actor=park_admin)
    park_client.force_login(park_admin)
    response = park_client.post(f"/tenants/{enterprise.pk}/approve/", follow=True)
    assert "未做任何更改" in response.content.decode()
    assert "initial-password" not in response.content.decode()


def test_reject_needs_a_reason_and_provisions_nothing(park_client, park, park_admin):
    enterprise = enterprise_apply(**application())
    park_client.force_login(park_admin)
    response = park_client.post(f"/tenants/{enterprise.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert "请填写驳回原因" in response.content.decode()
    response = park_client.post(f"/tenants/{enterprise.pk}/reject/", {"reason": "营业执照与申请信息不符"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.REJECTED
    assert enterprise.reject_reason == "营业执照与申请信息不符"
    assert not schema_exists(enterprise.schema_name)
    assert not Domain.objects.filter(tenant=enterprise).exists()
    assert AuditEntry.objects.filter(action="enterprise.reject", object_id=str(enterprise.pk)).exists()
    # A rejected application cannot be approved afterwards by mistake.
    with pytest.raises(Exception, match="不能批准"):
        enterprise_approve(enterprise=enterprise, actor=park_admin)


def test_only_park_admins_review(park_client, park, park_auditor, admin_a):
    enterprise = enterprise_apply(**application())
    park_client.force_login(park_auditor)
    assert park_client.get("/tenants/").status_code == 200  # auditors may look
    assert park_client.post(f"/tenants/{enterprise.pk}/approve/").status_code == 403
    park_client.force_login(admin_a)
    assert park_client.get("/tenants/").status_code == 403
    anonymous = Client(HTTP_HOST="park.localhost")
    assert anonymous.get("/tenants/").status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLIED


def test_suspended_enterprise_domain_is_closed(
    park, park_admin, enterprise_a, admin_a, tenant_client, django_capture_on_commit_callbacks
):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    assert client.get("/api/v1/identifiers/").status_code == 200
    # The cached tenants are dropped when the suspension commits.
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_suspend(enterprise=enterprise_a, actor=park_admin, reason="欠费")
    assert client.get("/").status_code == 403
    assert client.get("/api/v1/identifiers/").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credit_code": "91320594MA1N2K8B0X"}, "credit_code", "统一社会信用代码无效"),
        ({"code": "ALPHA"}, "code", "企业代码已被使用"),
        ({"code": "alpha"}, "code", "企业代码已被使用"),
        ({"code": "XH-01"}, "code", "企业代码只能包含字母和数字"),
        ({"code": "A" * 21}, "code", "不超过 20"),
        ({"name": ""}, "name", "必填项"),
        ({"contact_email": "not-an-email"}, "contact_email", "邮件地址"),
        ({"credit_code": "91320594MA1N2K8B0J"}, "credit_code", "已提交过申请"),
    ],
)
def test_bad_applications_get_chinese_errors_on_the_field(
    park_client, enterprise_a, overrides, field, message
):
    before = Enterprise.objects.count()
    response = park_client.post("/tenants/apply/", application(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    assert Enterprise.objects.count() == before


def test_service_refuses_bad_input_with_field_errors(park, enterprise_a):
    from apps.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        enterprise_apply(**application(code="Alpha", credit_code="123"))
    assert "企业代码已被使用" in exc.value.errors["code"][0]
    assert "统一社会信用代码无效" in exc.value.errors["credit_code"][0]
    assert not Enterprise.objects.filter(name="苏州星河精密制造有限公司").exists()


def test_reject_only_applied(park, park_admin, enterprise_a):
    from apps.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        enterprise_reject(enterprise=enterprise_a, actor=park_admin, reason="x")


def test_approval_hands_the_prefix_to_upstream_sync(park, park_admin, django_capture_on_commit_callbacks):
    from apps.sync.models import OutboxEntry

    enterprise = enterprise_apply(**application())
    with django_capture_on_commit_callbacks(execute=True):
        result = enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert OutboxEntry.objects.filter(handle=result.prefix.prefix).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_approve(enterprise=enterprise, actor=park_admin)
    assert OutboxEntry.objects.filter(handle=result.prefix.prefix).count() == 1
