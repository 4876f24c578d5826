"""Import/export pages on the park domain (park facilities) and on an enterprise domain."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.identifiers.models import Identifier
from apps.imports import services
from apps.imports.choices import ImportState
from apps.imports.models import ImportJob
from tests.imports import files
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db


def test_park_page_lists_park_templates_and_downloads_a_template(park_client, park_admin, road_version):
    park_client.force_login(park_admin)
    page = park_client.get("/imports/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "园区道路设施模板" in body and "下载 Excel 模板" in body
    assert "生产制造" not in body  # enterprise-owned categories are not imported on the park domain
    response = park_client.get(f"/imports/template/{road_version.template_id}.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb["数据"]["A1"].value == "对象代码 *"


def test_who_may_use_the_park_page(park_client, park_auditor, member_a, road_version):
    assert park_client.get("/imports/").status_code == 302  # to the login page
    park_client.force_login(member_a)
    assert park_client.get("/imports/").status_code == 403
    park_client.force_login(park_auditor)
    assert park_client.get("/imports/").status_code == 200
    data = {
        "template": road_version.template_id,
        "file": upload("r.csv", files.csv_bytes([files.ROAD_HEADER])),
    }
    assert park_client.post("/imports/", data).status_code == 403  # auditors read, they do not import


def test_upload_refusals_show_on_the_form(park_client, park_admin, road_version):
    park_client.force_login(park_admin)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    response = park_client.post(
        "/imports/", {"template": road_version.template_id, "file": upload("旧.xls", ole)}
    )
    assert response.status_code == 200
    assert "另存为" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_report_page_shows_counts_errors_and_the_report_download(
    park_client, park_admin, road_version, operator
):
    park_client.force_login(park_admin)
    rows = [files.ROAD_HEADER, ["A1", "路", "高速", 1, None], ["A2", "路", "支路", 2, None]]
    job = services.import_job_create(
        actor=park_admin,
        enterprise=operator,
        template_version=road_version,
        uploaded_file=upload("roads.xlsx", files.xlsx(rows)),
        start=False,
    )
    services.import_job_validate(job=job)
    body = park_client.get(f"/imports/{job.pk}/").content.decode()
    assert "第 2 行「道路等级」: 值「高速」不在可选范围内" in body
    assert 'id="count-create">1<' in body and "确认导入" not in body
    report = park_client.get(f"/imports/{job.pk}/errors.xlsx")
    assert report.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert ws["A2"].value == 2
    assert park_client.post(f"/imports/{job.pk}/confirm/").status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.INVALID and not Identifier.objects.exists()


def test_enterprise_domain_imports_its_own_objects_and_exports_them(
    tenant_client, admin_a, alpha, road_version
):
    client = tenant_client(alpha)
    client.force_login(admin_a)
    assert client.get("/imports/").status_code == 200
    with tenant_context(alpha):
        job = services.import_job_create(
            actor=admin_a,
            enterprise=alpha,
            template_version=road_version,
            uploaded_file=upload("r.csv", files.csv_bytes([files.ROAD_HEADER, *files.road_rows(5)])),
            start=False,
        )
        services.import_job_validate(job=job)
        services.import_job_apply(job=services.import_job_confirm(job=job, actor=admin_a, start=False))
    assert client.get(f"/imports/{job.pk}/").status_code == 200
    assert Identifier.objects.filter(enterprise=alpha).count() == 5

    response = client.get(f"/imports/export/?template={road_version.template_id}&format=csv&q=R0000")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("对象代码 *,")
    assert len(text.strip().splitlines()) == 6 and "88.101.ALPHA/R00003" in text
    one = client.get(f"/imports/export/?template={road_version.template_id}&format=xlsx&q=R00002")
    ws = openpyxl.load_workbook(io.BytesIO(one.content))["数据"]
    assert [c.value for c in ws[3]][0] == "R00002" and ws.max_row == 3


def test_enterprise_cannot_see_another_enterprises_jobs(
    tenant_client, admin_a, admin_b, alpha, enterprise_b, road_version
):
    with tenant_context(alpha):
        job = services.import_job_create(
            actor=admin_a,
            enterprise=alpha,
            template_version=road_version,
            uploaded_file=upload("r.csv", files.csv_bytes([files.ROAD_HEADER, *files.road_rows(1)])),
            start=False,
        )
    other = tenant_client(enterprise_b)
    other.force_login(admin_b)
    # ImportJob ids are per schema: beta's schema has no such job
    with tenant_context(enterprise_b):
        assert not ImportJob.objects.filter(pk=job.pk, original_name="r.csv", enterprise=alpha).exists()
    assert other.get(f"/imports/{job.pk}/").status_code == 404
    client_a = tenant_client(alpha)
    client_a.force_login(admin_b)
    assert client_a.get("/imports/").status_code in (302, 403)


# ------------------------------------------------------------------ export of the identifier list


def _import(enterprise, version, header, rows, actor=None):
    with tenant_context(enterprise):
        job = services.import_job_create(
            actor=actor,
            enterprise=enterprise,
            template_version=version,
            uploaded_file=upload("f.csv", files.csv_bytes([header, *rows])),
            start=False,
        )
        services.import_job_validate(job=job)
        services.import_job_apply(job=services.import_job_confirm(job=job, actor=actor, start=False))


@pytest.fixture
def staff_version(seeds):
    from apps.metadata.selectors import template_current_version

    return template_current_version(seeds["PARK-ENT-STAFF"])


def test_the_list_page_exports_what_its_filters_show(
    frozen_clock, tenant_client, admin_a, alpha, road_version, staff_version
):
    import datetime as dt
    import zipfile

    from tests.imports.test_grades import STAFF_HEADER, STAFF_ROWS

    _import(alpha, road_version, files.ROAD_HEADER, files.road_rows(5))
    _import(alpha, staff_version, STAFF_HEADER, STAFF_ROWS)
    client = tenant_client(alpha)
    client.force_login(admin_a)

    page = client.get("/identifiers/", {"code": "R0000", "status": "active"}).content.decode()
    assert 'href="/imports/export/?format=xlsx&amp;code=R0000&amp;status=active"' in page
    assert 'href="/imports/export/?format=csv&amp;code=R0000&amp;status=active"' in page

    # object code and template filters, as the list applies them
    response = client.get(
        "/imports/export/", {"format": "csv", "code": "R00002", "template": road_version.template_id}
    )
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert response["Content-Disposition"].endswith(
        f"{road_version.template.code}-%E6%A0%87%E8%AF%86%E5%AF%BC%E5%87%BA.csv"
    )
    assert len(lines) == 2 and lines[1].startswith("R00002,")

    # a date range that holds nothing: no file, back to the list with the filters
    today = timezone.localdate()  # the park's day (the machine's date may differ), frozen
    response = client.get(
        "/imports/export/", {"format": "xlsx", "date_to": str(today - dt.timedelta(days=1))}
    )
    assert response.status_code == 302 and response["Location"].startswith("/identifiers/?date_to=")

    # no template chosen, two in the list: one importable file per template in a zip
    response = client.get("/imports/export/", {"format": "xlsx", "date_from": str(today)})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == ["PARK-ENT-STAFF-标识导出.xlsx", "PARK-ROAD-标识导出.xlsx"]
    staff = openpyxl.load_workbook(io.BytesIO(archive.read(names[0])))["数据"]
    assert [row[0] for row in staff.iter_rows(min_row=3, values_only=True)] == ["E001", "E002"]
    assert staff["B3"].value == "张三丰"  # the enterprise's own restricted values, for re-import


def test_park_export_filters_by_enterprise_and_shows_public_values_only(
    park_client, park_admin, alpha, staff_version, road_version, operator
):
    from tests.imports.test_grades import STAFF_HEADER, STAFF_ROWS

    _import(alpha, staff_version, STAFF_HEADER, STAFF_ROWS)
    _import(operator, road_version, files.ROAD_HEADER, files.road_rows(2))
    park_client.force_login(park_admin)
    response = park_client.get("/imports/export/", {"format": "csv", "enterprise": alpha.pk})
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3 and lines[1].startswith("E001,") and "88.101.ALPHA/E002" in text
    assert "张三丰" not in text and "总装车间" not in text  # alpha's restricted values stay in alpha
