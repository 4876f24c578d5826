"""Park template management, the change-request inbox and enterprise template pages."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.metadata.choices import ChangeRequestStatus
from apps.metadata.models import MetadataTemplate, TemplateChangeRequest, TemplateItem, TemplateNotice
from apps.metadata.selectors import template_current_version


def test_park_staff_see_templates_with_grades_and_versions(park_client, park_auditor, templates):
    park_client.force_login(park_auditor)
    page = park_client.get("/metadata/").content.decode()
    assert "园区能源设施模板" in page and "国家通用核心元数据模板" in page
    energy = templates["PARK-ENERGY"]
    page = park_client.get(f"/metadata/{energy.pk}/").content.decode()
    assert "额定功率" in page and "二级（重要）" in page and "三级（核心）" in page and "一级（一般）" in page
    assert "新建草稿版本" not in page  # the auditor reads only
    assert park_client.post(f"/metadata/{energy.pk}/draft/").status_code == 403


def test_enterprise_users_cannot_open_park_pages(park_client, admin_a, templates):
    park_client.force_login(admin_a)
    assert park_client.get("/metadata/").status_code == 403


def test_park_admin_drafts_adds_an_item_and_publishes(park_client, park_admin, templates):
    park_client.force_login(park_admin)
    road = templates["PARK-ROAD"]
    response = park_client.post(f"/metadata/{road.pk}/draft/")
    assert response.status_code == 302 and response.url.endswith(f"/metadata/{road.pk}/v2/")
    response = park_client.post(
        f"/metadata/{road.pk}/v2/items/add/",
        {
            "name": "限速",
            "code": "speed_limit",
            "item_type": "number",
            "grade": 1,
            "is_public": "on",
            "precision": 0,
            "unit": "km/h",
            "min": "5",
            "max": "80",
        },
    )
    assert response.status_code == 302, response.content.decode()
    # loosening an inherited item (override) or an already published own item is refused on the form
    response = park_client.post(
        f"/metadata/{road.pk}/v2/items/add/?override=description",
        {
            "name": "对象描述",
            "code": "description",
            "index": _index(road, "description"),
            "item_type": "string",
            "grade": 1,
            "is_public": "on",
            "max_length": 600,
        },
    )
    assert "「对象描述」的最大长度不能高于上级模板的 500" in response.content.decode()
    own = TemplateItem.objects.get(version__template=road, version__number=2, code="length_m")
    response = park_client.post(
        f"/metadata/items/{own.pk}/edit/",
        {
            "name": "长度",
            "code": "length_m",
            "item_type": "number",
            "grade": 1,
            "is_public": "on",
            "precision": 1,
            "unit": "m",
            "min": "0",
            "max": "50000",
        },
    )
    assert "「长度」在已发布版本中为必填，不能改为选填" in response.content.decode()
    response = park_client.post(f"/metadata/{road.pk}/v2/publish/", {"note": "增加限速"}, follow=True)
    assert "已发布" in response.content.decode()
    version = template_current_version(road)
    assert version.number == 2 and any(i["code"] == "speed_limit" for i in version.effective_items)
    # a published version offers no editing
    page = park_client.get(f"/metadata/{road.pk}/v2/").content.decode()
    assert "添加数据项" not in page and "已发布的版本不可修改" in page


def _index(template, code):
    return next(i["index"] for i in template_current_version(template).effective_items if i["code"] == code)


def test_export_and_import_through_the_pages(park_client, park_admin, templates):
    park_client.force_login(park_admin)
    env = templates["PARK-ENV"]
    response = park_client.get(f"/metadata/{env.pk}/v1/export/snms.json")
    document = json.loads(response.content)
    assert document["version"] == "PARK-ENV-v1" and document["items"]
    schema = json.loads(park_client.get(f"/metadata/{env.pk}/v1/export/schema.json").content)
    assert schema["$schema"].endswith("2020-12/schema")
    upload = SimpleUploadedFile(
        "env.json", json.dumps({"status": 1, "data": document}).encode(), "application/json"
    )
    response = park_client.post(
        "/metadata/import/", {"file": upload, "code": "PARK-ENV-COPY", "publish": "on"}
    )
    assert response.status_code == 302
    copy = MetadataTemplate.objects.get(code="PARK-ENV-COPY", owner__isnull=True)
    assert template_current_version(copy) is not None


def test_change_request_from_enterprise_page_to_park_inbox(
    tenant_client, park_client, admin_a, enterprise_a, park_admin, templates
):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    logistics = templates["PARK-LOGISTICS"]
    response = client.post(
        f"/metadata/{logistics.pk}/request/",
        {
            "name": "电池编号",
            "code": "battery_no",
            "item_type": "string",
            "grade": 1,
            "is_public": "on",
            "max_length": 30,
            "reason": "AGV 电池需要追溯",
        },
    )
    assert response.status_code == 302, response.content.decode()
    request = TemplateChangeRequest.objects.get(enterprise=enterprise_a, proposed_item__code="battery_no")

    park_client.force_login(park_admin)
    inbox = park_client.get("/metadata/requests/").content.decode()
    assert "电池编号" in inbox
    response = park_client.post(f"/metadata/requests/{request.pk}/approve/", {"note": ""}, follow=True)
    assert "已通知企业" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.APPROVED

    page = client.get("/metadata/requests/").content.decode()
    assert "模板变更申请已批准" in page and "电池编号" in page
    notice = TemplateNotice.objects.get(change_request=request)
    client.post(f"/metadata/notices/{notice.pk}/read/")
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_enterprise_creates_its_own_template_without_asking(
    tenant_client, admin_a, member_a, enterprise_a, templates
):
    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    assert client.get("/metadata/new/").status_code == 403  # members browse, administrators build
    client.force_login(admin_a)
    mfg = templates["PARK-MFG"]
    response = client.post(
        "/metadata/new/", {"code": "ENT-ALPHA-MOTOR", "name": "电机模板", "parent": mfg.pk}
    )
    assert response.status_code == 302
    template = MetadataTemplate.objects.get(owner=enterprise_a, code="ENT-ALPHA-MOTOR")
    client.post(
        f"/metadata/{template.pk}/v1/items/add/",
        {"name": "极数", "code": "poles", "item_type": "number", "grade": 1, "precision": 0},
    )
    client.post(f"/metadata/{template.pk}/v1/publish/", {"note": ""})
    version = template_current_version(template)
    assert version is not None and any(i["code"] == "poles" for i in version.effective_items)
    assert "电机模板" in client.get("/metadata/").content.decode()


def test_enterprise_cannot_see_or_edit_another_enterprises_template(
    tenant_client, admin_a, admin_b, enterprise_a, enterprise_b, templates
):
    from apps.metadata import services

    other = services.enterprise_template_create(
        enterprise=enterprise_b, parent=templates["PARK-MFG"], code="ENT-BETA-X", name="贝塔私有模板"
    )
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    assert "贝塔私有模板" not in client.get("/metadata/").content.decode()
    assert client.get(f"/metadata/{other.pk}/").status_code == 404
    assert client.post(f"/metadata/{other.pk}/v1/items/add/", {"name": "x", "code": "x"}).status_code == 404
    # park templates are visible but not editable by an enterprise
    energy = templates["PARK-ENERGY"]
    assert client.get(f"/metadata/{energy.pk}/").status_code == 200
    assert client.post(f"/metadata/{energy.pk}/draft/").status_code == 403


def test_admin_lists_templates_and_refuses_changing_a_published_version(park, templates):
    from django.test import Client

    from tests import factories

    superuser = factories.user("meta_root", park_role="park_admin")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client = Client(HTTP_HOST="park.localhost")
    client.force_login(superuser)
    assert client.get("/admin/metadata/metadatatemplate/").status_code == 200
    version = template_current_version(templates["PARK-ENERGY"])
    page = client.get(f"/admin/metadata/templateversion/{version.pk}/change/")
    assert page.status_code == 200
    response = client.post(f"/admin/metadata/templateversion/{version.pk}/change/", {"note": "改"})
    assert response.status_code == 403


def test_notices_speak_the_readers_language_and_the_menu_counts_them(
    tenant_client, park_client, admin_a, park_admin, enterprise_a, templates
):
    from apps.metadata import services

    request = services.change_request_create(
        template=templates["PARK-ENV"],
        enterprise=enterprise_a,
        actor=admin_a,
        proposed_item={"name": "排放口编号", "code": "outlet_no", "item_type": "string"},
        reason="环评要求",
    )
    park_client.force_login(park_admin)
    inbox = park_client.get("/metadata/requests/").content.decode()
    assert 'class="badge warn nav-count">1<' in inbox  # one request waiting for the park
    # the park administrator works in English ...
    park_client.post(
        f"/metadata/requests/{request.pk}/reject/?lang=en", {"reason": "已有同类数据项"}, follow=True
    )
    assert 'nav-count">' not in park_client.get("/metadata/requests/?lang=en").content.decode()

    # ... the enterprise reads the notice in its own language, counted on the menu entry
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    page = client.get("/metadata/requests/?lang=zh-hans").content.decode()
    assert "模板变更申请已驳回" in page and "驳回原因：已有同类数据项" in page
    assert "Template change request" not in page
    assert 'class="badge warn nav-count">1<' in page
    english = client.get("/metadata/requests/?lang=en").content.decode()
    assert "Template change request rejected" in english and "已有同类数据项" in english

    notice = TemplateNotice.objects.get(change_request=request)
    client.post(f"/metadata/notices/{notice.pk}/read/")
    assert 'nav-count">' not in client.get("/metadata/requests/").content.decode()
