"""Values split by grade through an import: restricted values (二级 and above, or 一级 marked not
public) never reach a public table, land in the enterprise's schema, and survive export → import."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from apps.enterprise_data.models import RestrictedValues
from apps.enterprise_data.services import restricted_context
from apps.identifiers.models import Identifier
from apps.imports.choices import ImportState
from apps.metadata.selectors import template_current_version
from tests.imports import files
from tests.imports.test_services import apply, dry_run

pytestmark = pytest.mark.django_db

STAFF_HEADER = ["对象代码", "姓名", "工号", "部门", "岗位", "入职日期", "身份证号"]
STAFF_ROWS = [
    ["E001", "张三丰", "G-0001", "总装车间", "焊工", "2021-05-06", "11010519491231002X"],
    ["E002", "李秋水", "G-0002", "质检部", "质检员", "2022-07-01", "110105194912310038"],
]
# Every value of a restricted item above (all of them but 工号).
SECRETS = [value for row in STAFF_ROWS for value in (row[1], row[3], row[4], row[5], row[6])]


def public_text() -> str:
    """Every row of every table in the public schema, as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        parts = []
        for table in tables:
            cursor.execute(f"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM public.\"{table}\" AS t")  # noqa: S608
            parts.append(cursor.fetchone()[0])
    return "\n".join(parts)


def restricted_of(enterprise, handle: str) -> dict[str, str]:
    pk = Identifier.objects.get(handle=handle).pk
    with restricted_context(enterprise):
        return RestrictedValues.objects.get(identifier_id=pk).as_dict()


def public_of(handle: str) -> dict[str, str]:
    ident = Identifier.objects.get(handle=handle)
    return {v["type"]: v["data"]["value"] for v in ident.values}


@pytest.fixture
def staff_version(seeds):
    return template_current_version(seeds["PARK-ENT-STAFF"])


@pytest.fixture
def mfg_version(seeds):
    return template_current_version(seeds["PARK-MFG"])


def export(version, enterprise, kind: str) -> bytes:
    from apps.imports.exports import export_identifiers

    buf = io.BytesIO()
    export_identifiers(
        queryset=Identifier.objects.filter(enterprise=enterprise),
        template=version.template,
        enterprise=enterprise,
        file_format=kind,
        out=buf,
    )
    return buf.getvalue()


def test_imported_staff_names_stay_out_of_the_public_registry(staff_version, alpha):
    with tenant_context(alpha):
        job = apply(dry_run(staff_version, alpha, "staff.csv", files.csv_bytes([STAFF_HEADER, *STAFF_ROWS])))
    assert job.state == ImportState.APPLIED, job.errors

    ident = Identifier.objects.get(handle="88.101.ALPHA/E001")
    assert ident.name == "E001"  # the object code, not the person's name
    assert public_of(ident.handle) == {
        "TEMPLATE_ID": "PARK-ENT-STAFF",
        "TEMPLATE": "1",
        "employee_no": "G-0001",
    }
    text = public_text()
    leaked = [secret for secret in SECRETS if secret in text]
    assert leaked == []
    assert "G-0001" in text  # 一级 public: in the registry

    assert restricted_of(alpha, "88.101.ALPHA/E001") == {
        "name": "张三丰",
        "department": "总装车间",
        "position": "焊工",
        "hired_on": "2021-05-06",
        "id_card_no": "11010519491231002X",
    }


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_restricted_values_survive_export_and_import(staff_version, alpha, kind):
    with tenant_context(alpha):
        apply(dry_run(staff_version, alpha, "staff.csv", files.csv_bytes([STAFF_HEADER, *STAFF_ROWS])))
        data = export(staff_version, alpha, kind)
        again = dry_run(staff_version, alpha, f"export.{kind}", data)
        assert again.state == ImportState.VALIDATED, again.errors
        assert (again.create_count, again.update_count, again.unchanged_count) == (0, 0, 2)

        # A restricted value changed in the file is an update, stored in the enterprise schema only.
        changed = [list(row) for row in STAFF_ROWS]
        changed[1][1] = "李沧海"
        job = apply(dry_run(staff_version, alpha, "staff.csv", files.csv_bytes([STAFF_HEADER, *changed])))
        assert (job.create_count, job.update_count, job.unchanged_count) == (0, 1, 1)
    assert restricted_of(alpha, "88.101.ALPHA/E002")["name"] == "李沧海"
    assert Identifier.objects.get(handle="88.101.ALPHA/E002").name == "E002"
    assert "李沧海" not in public_text()


def test_manufacturing_values_split_by_grade_and_round_trip(mfg_version, alpha):
    header = ["对象代码", "产品名称", "产品型号", "生产批次", "生产日期", "生产线", "质检结果", "工艺参数"]
    rows = [
        ["P001", "干式变压器", "SCB14-1000", "B2401", "2024-03-01", "三号线", "合格", "浸漆 135℃×6h"],
        ["P002", "油浸变压器", "S13-800", "B2402", "2024-03-02", "一号线", "待检", "真空注油 -0.1MPa"],
    ]
    with tenant_context(alpha):
        job = apply(dry_run(mfg_version, alpha, "mfg.csv", files.csv_bytes([header, *rows])))
        assert job.state == ImportState.APPLIED, job.errors
        handles = sorted(Identifier.objects.filter(enterprise=alpha).values_list("handle", flat=True))
        for handle in handles:
            values = public_of(handle)
            assert "production_line" not in values and "process_params" not in values
        assert restricted_of(alpha, handles[0]) == {
            "production_line": "三号线",
            "process_params": "浸漆 135℃×6h",
        }
        assert Identifier.objects.get(handle=handles[0]).name == "干式变压器"  # a public name is shown
        text = public_text()
        assert "三号线" not in text and "浸漆" not in text and "真空注油" not in text

        again = dry_run(mfg_version, alpha, "export.xlsx", export(mfg_version, alpha, "xlsx"))
        assert again.state == ImportState.VALIDATED, again.errors
        assert (again.create_count, again.update_count, again.unchanged_count) == (0, 0, 2)
