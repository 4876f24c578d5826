"""Django admin: templates, versions, change requests and notices are looked at there; the one
write it offers (a template's descriptive fields) goes through template_update, audited."""

import pytest

from apps.audit.models import AuditEntry
from apps.metadata import services
from apps.metadata.models import MetadataTemplate, TemplateChangeRequest, TemplateNotice, TemplateVersion


@pytest.fixture
def admin_client(park_client, park_admin):
    park_admin.is_staff = True
    park_admin.save()
    park_client.force_login(park_admin)
    return park_client


def _form(template: MetadataTemplate, **changes) -> dict:
    data = {
        "name": template.name,
        "description": template.description,
        "industry_section": template.industry_section,
        "industry_division": template.industry_division,
        "industry_group": template.industry_group,
        "industry_class": template.industry_class,
        "default_link": template.default_link,
    }
    if template.use_check_character:
        data["use_check_character"] = "on"
    data.update(changes)
    return data


def test_template_structure_is_read_only_and_descriptive_changes_are_audited(admin_client, templates):
    road = templates["PARK-ROAD"]
    url = f"/admin/metadata/metadatatemplate/{road.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="name"' in page and 'name="code"' not in page and 'name="parent"' not in page
    response = admin_client.post(
        url, _form(road, name="园区道路模板（修订）", code="HACKED", level="enterprise", category="energy")
    )
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.name == "园区道路模板（修订）"
    assert road.code == "PARK-ROAD" and road.level == "park" and road.category != "energy"
    entry = AuditEntry.objects.filter(action="metadata.template.update", object_id=str(road.pk)).latest("id")
    assert "园区道路模板（修订）" in str(entry.changes)


def test_no_adding_templates_or_versions_and_nothing_deleted(admin_client, templates):
    road = templates["PARK-ROAD"]
    assert admin_client.get("/admin/metadata/metadatatemplate/add/").status_code == 403
    assert admin_client.get("/admin/metadata/templateversion/add/").status_code == 403
    draft = services.template_version_create_draft(template=road)
    response = admin_client.post(
        f"/admin/metadata/templateversion/{draft.pk}/change/", {"note": "改了", "number": 99}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.number != 99 and draft.note != "改了"
    version = TemplateVersion.objects.filter(template=road, status="published").first()
    assert admin_client.post(f"/admin/metadata/templateversion/{version.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/metadata/metadatatemplate/{road.pk}/delete/").status_code == 403


def test_change_requests_and_notices_cannot_be_deleted(
    admin_client, park_admin, templates, enterprise_a, admin_a
):
    energy = templates["PARK-ENERGY"]
    request = services.change_request_create(
        template=energy,
        enterprise=enterprise_a,
        actor=admin_a,
        proposed_item={"name": "冷却方式", "code": "cooling", "item_type": "string", "grade": 1},
        reason="需要记录冷却方式",
    )
    services.change_request_reject(request=request, actor=park_admin, reason="已有同类数据项")
    notice = TemplateNotice.objects.filter(enterprise=enterprise_a).latest("id")
    for url in (
        f"/admin/metadata/templatechangerequest/{request.pk}/delete/",
        f"/admin/metadata/templatenotice/{notice.pk}/delete/",
    ):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert TemplateChangeRequest.objects.filter(pk=request.pk).exists()
    assert TemplateNotice.objects.filter(pk=notice.pk).exists()
    assert admin_client.get(f"/admin/metadata/templatechangerequest/{request.pk}/change/").status_code == 200


def test_a_refused_change_names_the_field_and_saves_nothing(admin_client, templates):
    road = templates["PARK-ROAD"]
    url = f"/admin/metadata/metadatatemplate/{road.pk}/change/"
    response = admin_client.post(url, _form(road, name="改名", industry_division="4X"), follow=True)
    text = response.content.decode()
    assert "行业大类：应为 2 位数字" in text and "成功" not in text
    assert response.redirect_chain[-1][0].endswith(url)  # back on the form
    road.refresh_from_db()
    assert road.name != "改名" and road.industry_division != "4X"
