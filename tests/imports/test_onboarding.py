"""Mass onboarding from Excel (issue 18): every row checked first, a wrong row names its row and
column and writes nothing; otherwise a tracked task approves the applications in batches through
the real approval path (a cloned schema each) and reports its progress."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django_tenants.utils import schema_exists
from openpyxl import load_workbook
from stdnum.cn import uscc

from apps.accounts.models import Membership
from apps.audit.models import AuditEntry
from apps.identifiers.models import Prefix
from apps.imports.onboarding import onboarding_check, onboarding_provision, onboarding_template
from apps.tasks.models import TaskRun
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Domain, Enterprise
from apps.tenants.services import enterprise_apply_many
from tests.conftest import wait_for
from tests.imports import files
from tests.imports.conftest import upload

HEADER = [
    "企业名称",
    "简称",
    "统一社会信用代码",
    "企业代码",
    "联系人",
    "联系电话",
    "联系邮箱",
    "国民经济行业分类",
    "地址",
]


def credit_code(n: int) -> str:
    base = f"91320594MB{n:07d}"
    return base + uscc.calc_check_digit(base)


def rows(n: int, start: int = 1) -> list[list]:
    return [
        [f"批量入驻测试企业{i}有限公司", f"批量{i}", credit_code(i), f"MASS{i:03d}", "王五", "13800000000",
         f"mass{i}@example.com", "C3484", "苏州工业园区"]
        for i in range(start, start + n)
    ]  # fmt: skip


def workbook(data: list[list]) -> bytes:
    return files.xlsx([HEADER, *data])


@pytest.fixture
def drop_mass_schemas():
    """Schemas outlive a flush: drop the ones a test cloned so a rerun starts clean."""
    yield
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ent\\_mass%%'")
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.django_db
def test_a_bad_row_names_its_row_and_column_and_writes_nothing(park_client, park_admin):
    data = rows(4)
    data[1][2] = "91320594MB0000000X"  # row 3: check character wrong
    data[3][3] = data[0][3].lower()  # row 5: the code of row 2 again (codes ignore case)
    data[2][6] = ""  # row 4: required e-mail missing
    park_client.force_login(park_admin)
    enterprises, audits = Enterprise.objects.count(), AuditEntry.objects.count()

    response = park_client.post("/api/v1/imports/enterprises/", {"file": upload("名单.xlsx", workbook(data))})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert body["errors"]["file"] == [
        "第 3 行「统一社会信用代码」: 统一社会信用代码无效：应为 18 位且校验位正确",
        "第 4 行「联系邮箱」: 必填，不能为空",
        "第 5 行「企业代码」: 与第 2 行的企业代码重复",
    ]
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (enterprises, audits)
    assert not TaskRun.objects.filter(task_name="imports.onboard_enterprises").exists()

    # the page says the same, row by row, and writes nothing either
    page = park_client.post("/imports/enterprises/", {"file": upload("名单.xlsx", workbook(data))})
    assert page.status_code == 200
    text = page.content.decode()
    assert "第 3 行「统一社会信用代码」" in text and "第 5 行「企业代码」: 与第 2 行的企业代码重复" in text
    assert Enterprise.objects.count() == enterprises


@pytest.mark.django_db
def test_a_code_the_park_already_has_is_refused(park, enterprise_a):
    data = rows(2)
    data[1][3] = enterprise_a.code.lower()
    data[0][2] = enterprise_a.credit_code
    with pytest.raises(Exception) as refused:
        onboarding_check(fileobj=io.BytesIO(workbook(data)), name="名单.xlsx")
    assert [str(e) for e in refused.value.rows] == [
        "第 2 行「统一社会信用代码」: 该统一社会信用代码已提交过申请",
        "第 3 行「企业代码」: 企业代码已被使用",
    ]


@pytest.mark.django_db
def test_a_file_without_the_required_columns_is_refused(park):
    with pytest.raises(Exception) as refused:
        onboarding_check(
            fileobj=io.BytesIO(files.xlsx([["企业名称", "地址"], ["某公司", "某地"]])), name="a.xlsx"
        )
    assert "缺少列" in refused.value.message and "统一社会信用代码" in refused.value.message


@pytest.mark.django_db
def test_provisioning_approves_in_batches_and_reports_progress(park, drop_mass_schemas):
    applications = onboarding_check(fileobj=io.BytesIO(workbook(rows(3))), name="名单.xlsx")
    created = enterprise_apply_many(applications=applications)
    assert {e.status for e in Enterprise.objects.filter(code__startswith="MASS")} == {
        EnterpriseStatus.APPLIED
    }
    assert (
        AuditEntry.objects.filter(
            action="enterprise.apply", object_id__in=[str(e.pk) for e in created]
        ).count()
        == 3
    )
    seen: list[tuple[int, str]] = []

    result = onboarding_provision(
        enterprise_ids=[e.pk for e in created], progress=lambda p, m: seen.append((p, m)), batch_size=2
    )

    assert seen == [(66, "已开通 2 / 3 家企业"), (100, "已开通 3 / 3 家企业")]
    assert result["approved"] == 3 and result["skipped"] == 0
    for enterprise in Enterprise.objects.filter(code__startswith="MASS"):
        assert enterprise.status == EnterpriseStatus.ACTIVE
        assert schema_exists(enterprise.schema_name)
        assert Domain.objects.filter(tenant=enterprise, domain__startswith=enterprise.code.lower()).exists()
        assert Prefix.objects.filter(enterprise=enterprise).exists()
        admin = Membership.objects.get(enterprise=enterprise).user
        assert not admin.has_usable_password()  # nobody was shown a password to use
    # run again (a retried task): nothing created twice
    again = onboarding_provision(enterprise_ids=[e.pk for e in created])
    assert again["approved"] == 0 and again["skipped"] == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_api_starts_a_tracked_task_that_clones_the_schemas(
    celery_worker, park_client, park_admin, drop_mass_schemas
):
    park_client.force_login(park_admin)
    response = park_client.post(
        "/api/v1/imports/enterprises/", {"file": upload("名单.xlsx", workbook(rows(3)))}
    )
    assert response.status_code == 202, response.content.decode()[:2000]
    run_id = response.json()["id"]

    run = wait_for(lambda: TaskRun.objects.filter(pk=run_id, state__in=["succeeded", "failed"]).first())

    assert run.state == "succeeded", run.result
    assert (run.progress, run.message) == (100, "已开通 3 / 3 家企业")
    assert run.result["approved"] == 3
    status = park_client.get(f"/api/v1/tasks/runs/{run_id}/").json()
    assert status["finished"] and status["progress"] == 100
    for enterprise in Enterprise.objects.filter(code__startswith="MASS"):
        assert enterprise.status == EnterpriseStatus.ACTIVE
        assert schema_exists(enterprise.schema_name)


@pytest.mark.django_db
def test_only_park_admins_onboard(park_client, park_auditor, admin_a, tenant_client, enterprise_a):
    park_client.force_login(park_auditor)
    assert park_client.get("/imports/enterprises/").status_code == 403
    response = park_client.post("/api/v1/imports/enterprises/", {"file": upload("a.xlsx", workbook(rows(1)))})
    assert response.status_code == 403
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    assert client.get("/imports/enterprises/").status_code == 404
    assert not Enterprise.objects.filter(code__startswith="MASS").exists()


@pytest.mark.django_db
def test_the_template_has_the_columns_and_an_example_that_passes(park_client, park_admin):
    park_client.force_login(park_admin)
    response = park_client.get("/imports/enterprises/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value.rstrip(" *") for c in sheet[1]] == HEADER
    assert len(onboarding_check(fileobj=io.BytesIO(onboarding_template()), name="t.xlsx")) == 1


@pytest.mark.django_db
def test_an_enterprise_that_cannot_be_approved_is_named_and_the_others_go_on(
    park, enterprise_a, drop_mass_schemas
):
    from django.conf import settings

    applications = onboarding_check(fileobj=io.BytesIO(workbook(rows(2))), name="名单.xlsx")
    created = enterprise_apply_many(applications=applications)
    Domain.objects.create(domain=f"mass001.{settings.PARK_DOMAIN}", tenant=enterprise_a, is_primary=False)

    result = onboarding_provision(enterprise_ids=[e.pk for e in created])

    assert result["approved"] == 1
    assert result["failed"] == [
        {"code": "MASS001", "message": f"域名 mass001.{settings.PARK_DOMAIN} 已被占用"}
    ]
    assert Enterprise.objects.get(code="MASS001").status == EnterpriseStatus.APPLIED  # rolled back, as it was
    assert Enterprise.objects.get(code="MASS002").status == EnterpriseStatus.ACTIVE
