"""Portal pages on both domains, carriers, admin: and that no door lets one enterprise in
to another's identifiers."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from apps.identifiers.models import Identifier

from .conftest import product

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(tenant_client, alpha, member_a):
    c = tenant_client(alpha)
    c.force_login(member_a)
    return c


def test_list_filters_and_search(client_a, register_product, seeds, alpha, admin_a):
    from apps.identifiers.services import identifier_register

    from .conftest import current

    one = register_product(1)
    register_product(2, name="油浸式变压器")
    fork = identifier_register(
        actor=admin_a,
        enterprise=alpha,
        template_version=current(seeds, "PARK-LOGISTICS"),
        values={"name": "1号叉车", "equipment_type": "叉车"},
        object_code="FK-1",
    )
    page = client_a.get("/identifiers/").content.decode()
    assert one.handle in page and fork.handle in page
    page = client_a.get("/identifiers/", {"q": "油浸"}).content.decode()
    assert "油浸式变压器" in page and one.handle not in page
    page = client_a.get("/identifiers/", {"category": "logistics"}).content.decode()
    assert fork.handle in page and one.handle not in page
    page = client_a.get(
        "/identifiers/", {"template": str(fork.template_version.template_id)}
    ).content.decode()
    assert fork.handle in page and one.handle not in page
    page = client_a.get("/identifiers/", {"code": "FK-"}).content.decode()
    assert fork.handle in page and one.handle not in page
    page = client_a.get("/identifiers/", {"status": "withdrawn"}).content.decode()
    assert fork.handle not in page
    page = client_a.get(
        "/identifiers/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}
    ).content.decode()
    assert fork.handle not in page


def test_detail_groups_values_by_grade_with_history_and_qr(client_a, register_product, admin_a):
    from apps.identifiers.services import identifier_update

    ident = register_product(1)
    identifier_update(
        actor=admin_a, identifier=ident, values=product(1, model="SCB13-800", production_line="总装三线")
    )
    response = client_a.get(f"/identifiers/{ident.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "一级（一般）" in page and "三级（核心）" in page
    assert "绕组温升≤100K" in page  # members see restricted values
    history = page[page.index('id="history"') :]
    # change history: the action's label and the items' Chinese names, not the audit keys
    assert "修改" in history and "登记" in history and "SCB13-800" in history
    assert "产品型号: SCB11-630 → SCB13-800" in history
    assert "生产线" in history
    assert "identifier.update" not in history and "values.model" not in history
    assert "restricted_items" not in history and "['production_line']" not in history
    assert "<svg" in page
    svg = client_a.get(f"/identifiers/{ident.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client_a.get(f"/identifiers/{ident.pk}/qr.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_qr_encodes_the_resolution_url(register_product, settings):
    from apps.identifiers.carriers import resolution_url

    ident = register_product(1)
    settings.DEBUG = True
    settings.PARK_PORT = 8000
    assert resolution_url(ident.handle) == f"http://park.localhost:8000/{ident.handle}"
    settings.DEBUG = False
    settings.PARK_PORT = 80
    settings.SECURE_SSL = False
    assert resolution_url(ident.handle) == f"http://park.localhost/{ident.handle}"


def test_generated_form_registers_and_shows_errors_on_the_field(client_a, mfg, alpha):
    page = client_a.get(f"/identifiers/new/{mfg.template_id}/").content.decode()
    assert 'data-date-text' in page and 'name="produced_on"' in page  # a 年-月-日 box (apps.core.forms)
    assert "<select" in page and "合格" in page  # enum as a select
    assert 'type="number"' in page and "kVA" in page  # number with its unit
    assert 'type="file"' in page  # file upload
    assert "88.101.ABC/B001" in page  # reference hint
    response = client_a.post(f"/identifiers/new/{mfg.template_id}/", product(1, produced_on="2026-13-40"))
    assert response.status_code == 200
    assert "生产日期" in response.content.decode()
    assert not Identifier.objects.exists()
    response = client_a.post(f"/identifiers/new/{mfg.template_id}/", product(1))
    ident = Identifier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/identifiers/{ident.pk}/"


def test_form_refuses_an_object_code_the_check_character_cannot_protect(client_a, mfg, alpha):
    page = client_a.get(f"/identifiers/new/{mfg.template_id}/").content.decode()
    assert "A-Z" in page  # the field says which characters are allowed
    response = client_a.post(f"/identifiers/new/{mfg.template_id}/", {**product(1), "object_code": "a-1"})
    assert response.status_code == 200
    assert "0-9" in response.content.decode()
    assert not Identifier.objects.exists()


def test_file_item_upload_is_stored_in_the_enterprise_schema(client_a, mfg, alpha, member_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = product(1)
    data["certificate_file"] = SimpleUploadedFile(
        "合格证.pdf", b"%PDF-1.4 test", content_type="application/pdf"
    )
    response = client_a.post(f"/identifiers/new/{mfg.template_id}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ident = Identifier.objects.get()
    values = {v["type"]: v["data"]["value"] for v in ident.values}
    assert values["certificate_file"].startswith("attachment:")
    att = values["certificate_file"].split(":")[1]
    download = client_a.get(f"/identifiers/{ident.pk}/attachments/{att}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_a_refused_registration_leaves_no_attachment_behind(client_a, mfg, alpha, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import schema_context

    from apps.enterprise_data.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    data = product(1, produced_on="2026-13-40")  # refused: no such date
    data["certificate_file"] = SimpleUploadedFile("合格证.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client_a.post(f"/identifiers/new/{mfg.template_id}/", data)
    assert response.status_code == 200 and "生产日期" in response.content.decode()
    assert not Identifier.objects.exists()
    with schema_context(alpha.schema_name):
        assert not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]

    data["produced_on"] = "2026-03-01"
    data["certificate_file"] = SimpleUploadedFile("合格证.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    assert client_a.post(f"/identifiers/new/{mfg.template_id}/", data).status_code == 302
    ident = Identifier.objects.get()
    with schema_context(alpha.schema_name):
        att = Attachment.objects.get()
    assert att.identifier_id == ident.pk
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_edit_and_withdraw_through_the_pages(client_a, register_product):
    ident = register_product(1)
    page = client_a.get(f"/identifiers/{ident.pk}/edit/").content.decode()
    assert "干式变压器1" in page and "总装二线" in page
    response = client_a.post(f"/identifiers/{ident.pk}/edit/", product(1, name="改名后"))
    assert response.status_code == 302
    ident.refresh_from_db()
    assert ident.name == "改名后"
    response = client_a.post(f"/identifiers/{ident.pk}/withdraw/", {"reason": "报废"})
    ident.refresh_from_db()
    assert response.status_code == 302 and ident.status == "withdrawn"


def _mfg_v2_without(mfg, *codes):
    """Publish a new PARK-MFG version with ``codes`` disabled."""
    from apps.metadata import services as metadata
    from apps.metadata.models import TemplateItem

    draft = metadata.template_version_create_draft(template=mfg.template)
    for code in codes:
        metadata.template_item_disable(item=TemplateItem.objects.get(version=draft, code=code))
    return metadata.template_version_publish(version=draft)


def test_edit_keeps_the_version_and_disabled_items_values_unless_upgrading(
    client_a, register_product, mfg, admin_a
):
    from apps.identifiers.selectors import identifier_values_for
    from apps.identifiers.services import values_as_dict

    ident = register_product(1)
    v2 = _mfg_v2_without(mfg, "rated_capacity", "production_line")
    page = client_a.get(f"/identifiers/{ident.pk}/edit/").content.decode()
    assert f"v{v2.number}" in page and "?upgrade=1" in page  # offered, not imposed
    response = client_a.post(f"/identifiers/{ident.pk}/edit/", product(1, model="SCB13"))
    assert response.status_code == 302
    ident.refresh_from_db()
    assert ident.template_version_id == mfg.pk

    # upgrading: the form no longer shows the disabled items, their values are carried forward
    page = client_a.get(f"/identifiers/{ident.pk}/edit/?upgrade=1").content.decode()
    assert 'name="rated_capacity"' not in page
    data = {
        k: v for k, v in product(1, model="SCB14").items() if k not in ("rated_capacity", "production_line")
    }
    response = client_a.post(f"/identifiers/{ident.pk}/edit/?upgrade=1", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ident.refresh_from_db()
    assert ident.template_version_id == v2.pk
    values = values_as_dict(identifier_values_for(user=admin_a, identifier=ident))
    assert values["model"] == "SCB14"
    assert values["rated_capacity"] == "630" and values["production_line"] == "总装二线"


def test_patch_after_an_item_is_disabled_keeps_its_value(register_product, mfg, admin_a):
    from apps.identifiers.selectors import identifier_values_for
    from apps.identifiers.services import identifier_update, values_as_dict

    ident = register_product(1)
    v2 = _mfg_v2_without(mfg, "rated_capacity")
    ident = identifier_update(actor=admin_a, identifier=ident, values=product(1), template_version=v2)
    current = values_as_dict(identifier_values_for(user=admin_a, identifier=ident))
    assert current["rated_capacity"] == "630"
    # a PATCH resends every stored value, the disabled one included: accepted, kept
    ident = identifier_update(actor=admin_a, identifier=ident, values={**current, "model": "X1"})
    after = values_as_dict(identifier_values_for(user=admin_a, identifier=ident))
    assert after["rated_capacity"] == "630" and after["model"] == "X1"


def test_label_sheet_pdf(client_a, register_product):
    idents = [register_product(n) for n in range(1, 4)]
    response = client_a.post("/identifiers/labels.pdf", {"ids": [i.pk for i in idents]})
    assert response["Content-Type"] == "application/pdf"
    import io

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "干式变压器1" in text and idents[2].handle in text


def test_park_portal_lists_every_identifier_with_public_values_only(
    park_client, park_admin, register_product, admin_b, beta, mfg
):
    from apps.identifiers.services import identifier_register

    a = register_product(1)
    b = identifier_register(actor=admin_b, enterprise=beta, template_version=mfg, values=product(2))
    park_client.force_login(park_admin)
    page = park_client.get("/identifiers/").content.decode()
    assert a.handle in page and b.handle in page
    detail = park_client.get(f"/identifiers/{a.pk}/").content.decode()
    assert "干式变压器1" in detail and "总装二线" not in detail and "受限数据，需企业授权" in detail


def test_park_portal_is_for_park_staff(park_client, member_a, register_product):
    register_product(1)
    park_client.force_login(member_a)
    assert park_client.get("/identifiers/").status_code == 403


def test_cross_tenant_denial_on_pages(tenant_client, beta, admin_b, register_product):
    ident = register_product(1)
    c = tenant_client(beta)
    c.force_login(admin_b)
    assert ident.handle not in c.get("/identifiers/").content.decode()
    for url in (
        f"/identifiers/{ident.pk}/",
        f"/identifiers/{ident.pk}/edit/",
        f"/identifiers/{ident.pk}/qr.png",
        f"/identifiers/labels.pdf?ids={ident.pk}",
    ):
        response = c.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert ident.handle not in response.content.decode()
    assert c.post(f"/identifiers/{ident.pk}/withdraw/").status_code == 404
    ident.refresh_from_db()
    assert ident.status == "active"


def test_non_member_cannot_open_another_enterprise_domain(tenant_client, alpha, admin_b, register_product):
    register_product(1)
    c = tenant_client(alpha)
    c.force_login(admin_b)
    assert c.get("/identifiers/").status_code == 403


def test_grants_page_gives_and_revokes(tenant_client, alpha, admin_a, admin_b, register_product):
    ident = register_product(1)
    c = tenant_client(alpha)
    c.force_login(admin_a)
    response = c.post(
        "/identifiers/grants/", {"username": admin_b.username, "target": "identifier", "handle": ident.handle}
    )
    assert response.status_code == 302
    from apps.identifiers.models import IdentifierGrant
    from apps.identifiers.selectors import can_view_restricted

    grant = IdentifierGrant.objects.get()
    assert can_view_restricted(user=type(admin_b).objects.get(pk=admin_b.pk), identifier=ident)
    assert admin_b.username in c.get("/identifiers/grants/").content.decode()
    c.post(f"/identifiers/grants/{grant.pk}/revoke/")
    assert not can_view_restricted(user=type(admin_b).objects.get(pk=admin_b.pk), identifier=ident)


def test_members_cannot_manage_grants(client_a):
    assert client_a.get("/identifiers/grants/").status_code == 403


def test_admin_is_park_staff_only_and_read_only_for_values(
    park_client, park_admin, register_product, admin_a
):
    ident = register_product(1)
    park_admin.is_staff = True
    park_admin.save()
    park_client.force_login(park_admin)
    assert park_client.get("/admin/identifiers/identifier/").status_code == 200
    page = park_client.get(f"/admin/identifiers/identifier/{ident.pk}/change/").content.decode()
    assert ident.handle in page and "总装二线" not in page
    admin_a.is_staff = True
    admin_a.save()
    park_client.force_login(admin_a)
    assert park_client.get("/admin/identifiers/identifier/").status_code in (302, 403)


def test_admin_prefix_is_read_only(park_client, park_admin, alpha):
    from apps.identifiers.models import Prefix

    prefix = Prefix.objects.get(enterprise=alpha)
    park_admin.is_staff = True
    park_admin.save()
    park_client.force_login(park_admin)
    page = park_client.get(f"/admin/identifiers/prefix/{prefix.pk}/change/").content.decode()
    assert prefix.prefix in page and 'name="status"' not in page and 'name="enterprise"' not in page
    response = park_client.post(
        f"/admin/identifiers/prefix/{prefix.pk}/change/", {"prefix": "88.101.HACK", "status": "revoked"}
    )
    assert response.status_code == 403
    assert park_client.get("/admin/identifiers/prefix/add/").status_code == 403
    prefix.refresh_from_db()
    assert prefix.prefix == "88.101.ALPHA" and prefix.status == "active"
