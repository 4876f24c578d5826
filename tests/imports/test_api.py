"""/api/v1/imports/jobs/: upload (the dry run is queued), the job and its row errors as JSON,
confirm, the error workbook; the page's roles; schemathesis over it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from apps.identifiers.models import Identifier
from apps.imports import services
from apps.imports.choices import ImportState
from apps.imports.models import ImportJob
from tests import factories
from tests.imports import files
from tests.imports.conftest import upload
from tests.openapi import assert_conforms, writes_config


def api(user, host: str = "park.localhost") -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


@pytest.mark.django_db
def test_upload_errors_workbook_and_confirm_on_the_park_domain(
    park_admin, park_auditor, road_version, operator
):
    rows = [files.ROAD_HEADER, ["A1", "路", "高速", 1, None], ["A2", "路", "支路", 2, None]]

    def data():
        return {"template": road_version.template_id, "file": upload("roads.xlsx", files.xlsx(rows))}

    assert api(park_auditor).post("/api/v1/imports/jobs/", data()).status_code == 403
    created = api(park_admin).post("/api/v1/imports/jobs/", data())
    assert created.status_code == 202, created.json()
    job = ImportJob.objects.get(pk=created.json()["id"])
    assert created.json()["validate_run"] == job.validate_run_id is not None  # the dry run is queued
    services.import_job_validate(job=job)  # what the worker runs

    detail = api(park_auditor).get(f"/api/v1/imports/jobs/{job.pk}/").json()
    assert detail["state"] == "invalid" and detail["error_count"] == 1 and detail["can_confirm"] is False
    errors = api(park_auditor).get(f"/api/v1/imports/jobs/{job.pk}/errors/").json()
    assert errors["count"] == 1
    assert errors["results"][0]["row"] == 2
    assert errors["results"][0]["text"].startswith("第 2 行「道路等级」: 值「高速」不在可选范围内")
    workbook = api(park_auditor).get(f"/api/v1/imports/jobs/{job.pk}/error-workbook/")
    assert workbook.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).active["A2"].value == 2
    refused = api(park_admin).post(f"/api/v1/imports/jobs/{job.pk}/confirm/")
    assert refused.status_code == 400 and refused.json()["code"] == "not_confirmable"
    assert not Identifier.objects.exists()

    bad = api(park_admin).post(
        "/api/v1/imports/jobs/",
        {"template": road_version.template_id, "file": upload("x.xls", b"\xd0\xcf\x11\xe0")},
    )
    assert bad.status_code == 400 and bad.json()["message"]


@pytest.mark.django_db
def test_an_enterprise_confirms_its_own_job_and_nobody_else_sees_it(
    admin_a, member_a, admin_b, alpha, enterprise_b, road_version
):
    host = factories.domain_of(alpha)
    data = {
        "template": road_version.template_id,
        "file": upload("r.csv", files.csv_bytes([files.ROAD_HEADER, *files.road_rows(3)])),
    }
    created = api(member_a, host).post("/api/v1/imports/jobs/", data)
    assert created.status_code == 202
    with tenant_context(alpha):
        job = ImportJob.objects.get(pk=created.json()["id"])
        services.import_job_validate(job=job)
    confirmed = api(member_a, host).post(f"/api/v1/imports/jobs/{job.pk}/confirm/")
    assert confirmed.status_code == 202 and confirmed.json()["state"] == ImportState.APPLYING
    assert confirmed.json()["apply_run"] is not None
    assert api(admin_b, host).get(f"/api/v1/imports/jobs/{job.pk}/").status_code == 403
    beta = factories.domain_of(enterprise_b)
    assert api(admin_b, beta).get(f"/api/v1/imports/jobs/{job.pk}/").status_code == 404  # its own schema
    assert api(admin_b, beta).get("/api/v1/imports/jobs/").json()["count"] == 0


@pytest.mark.django_db(transaction=True)
def test_import_operations_conform_to_the_schema(live_server, park_admin, road_version, operator):
    rows = [files.ROAD_HEADER, ["A1", "路", "高速", 1, None]]
    job = services.import_job_create(
        actor=park_admin,
        enterprise=operator,
        template_version=road_version,
        uploaded_file=upload("roads.xlsx", files.xlsx(rows)),
        start=False,
    )
    services.import_job_validate(job=job)
    token = f"Token {Token.objects.create(user=park_admin).key}"
    # A file the schema allows may still be no spreadsheet, a template not for this
    # domain, a job not confirmable: 400.
    config = writes_config(token, "^/api/v1/imports/", ["2xx", "400", "404"])
    assert_conforms(
        live_server=live_server,
        host="park.localhost",
        token=token,
        api="^/api/v1/imports/",
        known_ids={"/api/v1/imports/jobs/": [job.pk]},
        config=config,
    )
