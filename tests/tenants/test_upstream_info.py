"""上级节点前缀申请资料: collected on the public application (optional) and completed by the
park administrator on the enterprise page; bad input is refused in Chinese, nothing written."""

from __future__ import annotations

import pytest

from apps.audit.models import AuditEntry
from apps.tenants.models import Enterprise
from apps.tenants.services import enterprise_apply
from tests.factories import PASSWORD
from tests.sync.applications import UPSTREAM_INFO
from tests.tenants.test_onboarding import application

pytestmark = pytest.mark.django_db


def test_the_public_application_takes_the_optional_section(park_client):
    page = park_client.get("/tenants/apply/").content.decode()
    assert 'data-test="upstream-section"' in page and "上级节点前缀申请资料" in page

    # Without it the application is accepted as before.
    assert park_client.post("/tenants/apply/", application()).status_code == 302
    assert Enterprise.objects.get(code="XHJM").legal_name == ""

    # With it, it is stored.
    data = application(code="XHJM2", credit_code="91320594MA1T9A4G0G", **UPSTREAM_INFO)
    assert park_client.post("/tenants/apply/", data).status_code == 302
    enterprise = Enterprise.objects.get(code="XHJM2")
    assert (enterprise.org_nature, enterprise.legal_name, enterprise.contact_id_number) == (
        "2",
        "王五",
        "32050219850312041X",
    )


def test_the_public_application_refuses_a_bad_id_number_in_chinese(park_client):
    data = application(**dict(UPSTREAM_INFO, legal_id_number="320502198306150717"))
    response = park_client.post("/tenants/apply/", data)
    assert response.status_code == 200
    assert "居民身份证号码无效" in response.content.decode()
    assert not Enterprise.objects.filter(code="XHJM").exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"legal_id_number": "320502198306150717"}, "legal_id_number", "居民身份证号码无效"),
        (
            {"contact_id_type": "", "contact_id_number": "32050219850312041X"},
            "contact_id_type",
            "请选择证件类型",
        ),
        ({"legal_id_type": "2", "legal_id_number": "E1"}, "legal_id_number", "护照号码无效"),
        ({"licence_image_rid": "营业执照.jpg"}, "licence_image_rid", "文件上传接口返回的编号"),
        ({"org_nature": "9"}, "org_nature", "选择一个有效的选项"),
        ({"industry_code": "3484"}, "industry_code", "GB/T 4754 代码"),
    ],
)
def test_the_park_form_refuses_bad_input_in_chinese_and_writes_nothing(
    park, park_admin, park_client, change, field, message
):
    enterprise = enterprise_apply(**application())
    park_client.login(username=park_admin.username, password=PASSWORD)
    form = {
        "address": enterprise.address,
        "industry_code": enterprise.industry_code,
        **UPSTREAM_INFO,
        **change,
    }

    response = park_client.post(f"/tenants/{enterprise.pk}/upstream-info/", form)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["upstream_form"].errors[field]
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.legal_name, stored.org_nature, stored.licence_image_rid) == ("", "", "")
    assert not AuditEntry.objects.filter(action="enterprise.upstream_info_update").exists()


def test_the_park_admin_completes_the_data_audited_with_id_numbers_masked(park, park_admin, park_client):
    enterprise = enterprise_apply(**application())
    park_client.login(username=park_admin.username, password=PASSWORD)
    detail = park_client.get(f"/tenants/{enterprise.pk}/").content.decode()
    assert 'data-test="upstream-missing"' in detail and 'data-test="upstream-form"' in detail

    form = {"address": enterprise.address, "industry_code": enterprise.industry_code, **UPSTREAM_INFO}
    response = park_client.post(f"/tenants/{enterprise.pk}/upstream-info/", form)

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.legal_name, enterprise.legal_id_number) == ("王五", "320502198306150716")
    entry = AuditEntry.objects.get(action="enterprise.upstream_info_update", object_id=str(enterprise.pk))
    assert entry.actor_user_id == park_admin.pk
    assert entry.changes["legal_name"] == ["", "王五"]
    assert entry.changes["legal_id_number"] == ["", "**************0716"]
    assert 'data-test="upstream-complete"' in park_client.get(f"/tenants/{enterprise.pk}/").content.decode()


def test_only_the_park_admin_edits_the_data(park, park_auditor, park_client):
    enterprise = enterprise_apply(**application())
    park_client.login(username=park_auditor.username, password=PASSWORD)
    assert 'data-test="upstream-form"' not in park_client.get(f"/tenants/{enterprise.pk}/").content.decode()
    response = park_client.post(f"/tenants/{enterprise.pk}/upstream-info/", UPSTREAM_INFO)
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).legal_name == ""


def test_the_django_admin_leaves_the_data_to_the_enterprise_page(park, park_admin, park_client):
    """Editing it in the admin would skip the service that sends a waiting prefix application."""
    enterprise = enterprise_apply(**application())
    park_client.login(username=park_admin.username, password=PASSWORD)
    page = park_client.get(f"/admin/tenants/enterprise/{enterprise.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="name"' in content  # the rest stays editable
    for field in ("address", "industry_code", "legal_name", "org_nature"):
        assert f'name="{field}"' not in content
