"""The import flow through its services (the worker runs exactly these): every kind of input
a user's spreadsheet brings, the dry-run report, the all-or-nothing apply and re-imports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from apps.audit.models import AuditEntry
from apps.core.errors import ApplicationError
from apps.identifiers.models import Identifier
from apps.imports import services
from apps.imports.choices import ImportState
from apps.imports.models import ImportJob
from apps.imports.workbook import template_workbook
from apps.metadata.selectors import effective_items
from apps.sync.models import OutboxEntry
from tests.imports import files
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db


def dry_run(version, enterprise, name: str, data: bytes):
    job = services.import_job_create(
        actor=None,
        enterprise=enterprise,
        template_version=version,
        uploaded_file=upload(name, data),
        start=False,
    )
    services.import_job_validate(job=job)
    job.refresh_from_db()
    return job


def apply(job):
    job = services.import_job_confirm(job=job, actor=None, start=False)
    services.import_job_apply(job=job)
    job.refresh_from_db()
    return job


def values_of(handle: str) -> dict[str, str]:
    ident = Identifier.objects.get(handle=handle)
    return {v["type"]: v["data"]["value"] for v in ident.values}


def error_lines(job) -> list[str]:
    return [services.format_error(e) for e in job.errors]


# ------------------------------------------------------------------ the template file


def test_template_download_has_headers_codes_dropdowns_formats_instructions_and_example(road_version):
    buf = io.BytesIO()
    template_workbook(items=effective_items(road_version), template_label="道路", out=buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames[0] == "数据" and "填写说明" in wb.sheetnames
    ws = wb["数据"]
    header = [c.value for c in ws[1]]
    assert header[0] == "对象代码 *"
    assert "道路名称 *" in header and "长度(m) *" in header and "宽度(m)" in header
    assert ws.row_dimensions[2].hidden
    codes = [c.value for c in ws[2]]
    assert codes[0] == "object_code" and "length_m" in codes
    grade_col = files.column(header, "道路等级 *")
    dropdowns = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert f"{grade_col}3:{grade_col}1048576" in dropdowns  # every row of the sheet, not the first 2000
    choices = wb["选项"]
    assert "主干路" in [c.value for row in choices.iter_rows() for c in row]
    assert ws.column_dimensions[files.column(header, "建成日期")].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[files.column(header, "长度(m) *")].number_format == "0.0"
    assert ws["A3"].value == "EXAMPLE-001"
    instructions = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "必填" in instructions and "道路等级" in instructions and "主干路" in instructions


def test_filled_template_imports_and_its_example_row_is_ignored(road_version, operator):
    buf = io.BytesIO()
    template_workbook(items=effective_items(road_version), template_label="道路", out=buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["数据"]
    header = [c.value for c in ws[1]]
    row = [None] * len(header)
    for name, value in {
        "对象代码 *": "ROAD-1",
        "道路名称 *": "纬一路",
        "道路等级 *": "支路",
        "长度(m) *": 320.5,
    }.items():
        row[header.index(name)] = value
    ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    job = dry_run(road_version, operator, "道路.xlsx", out.getvalue())
    assert job.state == ImportState.VALIDATED, job.errors
    assert (job.total_rows, job.create_count) == (1, 1)
    apply(job)
    assert values_of("88.101.YQ/ROAD-1")["length_m"] == "320.5"


# ------------------------------------------------------------------ inputs


def test_merged_cells_fill_every_row_they_cover(road_version, operator):
    rows = [
        files.ROAD_HEADER,
        ["M1", "路1", "次干路", 10, None],
        ["M2", "路2", None, 11, None],
        ["M3", "路3", None, 12, None],
    ]
    job = dry_run(road_version, operator, "merged.xlsx", files.xlsx(rows, merges=["C2:C4"]))
    assert job.state == ImportState.VALIDATED, job.errors
    apply(job)
    assert {values_of(f"88.101.YQ/M{i}")["road_class"] for i in (1, 2, 3)} == {"次干路"}


def test_formula_cells_import_their_cached_values(road_version, operator):
    rows = [
        files.ROAD_HEADER,
        ["F1", "路1", "支路", "=10*2", None],
        ["F2", '=CONCAT("路","2")', "支路", 3, None],
    ]
    data = files.with_cached_formula_values(files.xlsx(rows), {"D2": "20", "B3": "路2"})
    job = dry_run(road_version, operator, "formula.xlsx", data)
    assert job.state == ImportState.VALIDATED, job.errors
    apply(job)
    assert values_of("88.101.YQ/F1")["length_m"] == "20"
    assert values_of("88.101.YQ/F2")["name"] == "路2"


def test_dates_as_excel_serials_and_chinese_text(road_version, operator):
    def build(ws):
        ws["E5"].value = 45352  # a number typed in a date column: Excel's serial for 2024-03-01
        ws["E5"].number_format = "General"

    rows = [
        files.ROAD_HEADER,
        ["D1", "路1", "支路", 1, "2024-03-01"],
        ["D2", "路2", "支路", 1, "2024/3/1"],
        ["D3", "路3", "支路", 1, "2024年3月1日"],
        ["D4", "路4", "支路", 1, None],
    ]
    import datetime as dt

    def build_all(ws):
        build(ws)
        ws.append(["D5", "路5", "支路", 1, dt.datetime(2024, 3, 1)])

    job = dry_run(road_version, operator, "dates.xlsx", files.xlsx(rows, build=build_all))
    assert job.state == ImportState.VALIDATED, job.errors
    apply(job)
    assert {values_of(f"88.101.YQ/D{i}")["built_on"] for i in range(1, 6)} == {"2024-03-01"}


def test_full_width_digits_spaces_and_stray_whitespace(road_version, operator):
    rows = [files.ROAD_HEADER, ["　Ｒ００１ ", "  纬二路\t", " 主干路　", "１２．５", "２０２４年３月１日"]]
    job = dry_run(road_version, operator, "fw.xlsx", files.xlsx(rows))
    assert job.state == ImportState.VALIDATED, job.errors
    apply(job)
    values = values_of("88.101.YQ/R001")
    assert (values["name"], values["road_class"], values["length_m"], values["built_on"]) == (
        "纬二路",
        "主干路",
        "12.5",
        "2024-03-01",
    )


def test_empty_trailing_rows_and_columns_are_ignored(road_version, operator):
    def build(ws):
        ws["Z40"].value = "   "  # a formatted-looking blank far away
        ws["G1"].value = ""  # header cells written but blank: a column someone cleared
        ws["H1"].value = " "
        ws["I1"].value = "\u3000"
        for r in range(5, 30):
            ws.cell(row=r, column=2).value = ""

    rows = [files.ROAD_HEADER, *files.road_rows(3)]
    job = dry_run(road_version, operator, "trailing.xlsx", files.xlsx(rows, build=build))
    assert job.state == ImportState.VALIDATED, job.errors
    assert job.total_rows == 3 and job.warnings == []


def test_columns_in_another_order(road_version, operator):
    rows = [["长度(m)", "建成日期", "道路名称", "对象代码", "道路等级"], [7, None, "经一路", "O1", "支路"]]
    job = dry_run(road_version, operator, "order.csv", files.csv_bytes(rows))
    assert job.state == ImportState.VALIDATED, job.errors
    apply(job)
    assert values_of("88.101.YQ/O1")["length_m"] == "7"


def test_unknown_columns_are_warned_and_ignored(road_version, operator):
    rows = [[*files.ROAD_HEADER, "备注"], ["U1", "路", "支路", 1, None, "随便写"]]
    job = dry_run(road_version, operator, "unknown.csv", files.csv_bytes(rows))
    assert job.state == ImportState.VALIDATED
    assert job.warnings == ["第 1 行「备注」: 模板中没有这一列，已忽略"]
    apply(job)
    assert "随便写" not in str(Identifier.objects.get(object_code="U1").values)


def test_missing_required_column_refuses_the_file_before_reading_rows(road_version, operator):
    rows = [["对象代码", "道路名称", "建成日期"], ["X1", "路", "not a date"]]
    job = dry_run(road_version, operator, "missing.csv", files.csv_bytes(rows))
    assert job.state == ImportState.INVALID
    assert job.total_rows == 0
    assert len(job.errors) == 1
    assert "缺少必填列" in job.errors[0]["message"]
    assert "「道路等级」" in job.errors[0]["message"] and "「长度」" in job.errors[0]["message"]
    with pytest.raises(ApplicationError):
        services.import_job_confirm(job=job, actor=None, start=False)


def test_duplicate_object_codes_in_the_file(road_version, operator):
    rows = [
        files.ROAD_HEADER,
        ["DUP", "路1", "支路", 1, None],
        ["OK", "路2", "支路", 1, None],
        ["DUP", "路3", "支路", 1, None],
    ]
    job = dry_run(road_version, operator, "dup.csv", files.csv_bytes(rows))
    assert job.state == ImportState.INVALID
    assert error_lines(job) == ["第 4 行「对象代码」: 对象代码「DUP」与第 2 行重复"]


def test_reference_to_an_identifier_that_does_not_exist(lighting_version, road_version, operator):
    roads = dry_run(
        road_version,
        operator,
        "roads.csv",
        files.csv_bytes([files.ROAD_HEADER, ["RD-1", "纬一路", "支路", 100, None]]),
    )
    apply(roads)
    rows = [
        ["对象代码", "灯具名称", "灯具类型", "功率(W)", "所在道路"],
        ["L1", "灯1", "LED路灯", 60, "88.101.YQ/RD-1"],
        ["L2", "灯2", "LED路灯", 60, "88.101.YQ/RD-404"],
        ["L3", "灯3", "LED路灯", 60, "88.101.yq/L1"],  # a lamp of this same file, not a road
    ]
    job = dry_run(lighting_version, operator, "lamps.csv", files.csv_bytes(rows))
    assert job.state == ImportState.INVALID
    assert error_lines(job) == [
        "第 3 行「所在道路」: 引用的标识 88.101.YQ/RD-404 不存在",
        "第 4 行「所在道路」: 引用的标识 88.101.yq/L1 不是「道路设施」类对象",
    ]


def test_a_row_with_a_bad_value_still_has_its_reference_checked(lighting_version, operator):
    rows = [
        ["对象代码", "灯具名称", "灯具类型", "功率(W)", "所在道路"],
        ["L1", "灯1", "煤油灯", 60, "88.101.YQ/RD-404"],
        ["l 2", "灯2", "LED路灯", 60, "88.101.YQ/RD-405"],
    ]
    job = dry_run(lighting_version, operator, "lamps.csv", files.csv_bytes(rows))
    assert job.state == ImportState.INVALID
    lines = error_lines(job)
    assert lines[0].startswith("第 2 行「灯具类型」: ")
    assert lines[1:] == [
        "第 2 行「所在道路」: 引用的标识 88.101.YQ/RD-404 不存在",
        "第 3 行「对象代码」: 对象代码不能包含空格、斜杠或控制字符",
        "第 3 行「所在道路」: 引用的标识 88.101.YQ/RD-405 不存在",
    ]


def test_every_error_is_reported_and_the_report_marks_the_cells(road_version, operator):
    rows = [
        files.ROAD_HEADER,
        ["E1", "路1", "高速路", "abc", "2024-13-01"],
        ["E2", "", "支路", -5, None],
        ["E3", "路3", "支路", 3, None],
        ["", "路4", "支路", 4, None],
    ]
    job = dry_run(road_version, operator, "errors.xlsx", files.xlsx(rows))
    assert job.state == ImportState.INVALID
    lines = error_lines(job)
    assert lines == [
        "第 2 行「道路等级」: 值「高速路」不在可选范围内，可选：主干路、次干路、支路、厂区道路",
        "第 2 行「长度(m)」: 应为数值，最多 1 位小数",
        "第 2 行「建成日期」: 应为日期，例如 2024-03-01",
        "第 3 行「道路名称」: 必填，不能为空",
        "第 3 行「长度(m)」: 不能小于 0 m",
        "第 5 行「对象代码」: 对象代码为必填项",
    ], lines
    assert job.error_count == 6 and job.create_count == 1
    buf = io.BytesIO()
    services.import_job_error_report(job=job, out=buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    header = [c.value for c in ws[1]]
    assert header[0] == "原行号"
    by_number = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert set(by_number) == {2, 3, 5}
    length = by_number[2][header.index("长度(m)")]
    assert length.fill.fgColor.rgb.endswith("FFC7CE") and "数值" in length.comment.text
    assert by_number[2][header.index("对象代码")].comment is None
    assert Identifier.objects.count() == 0


def test_file_that_is_not_what_its_name_says(road_version, operator):
    with pytest.raises(ApplicationError, match="不是 Excel 工作簿"):
        dry_run(road_version, operator, "roads.xlsx", files.csv_bytes([files.ROAD_HEADER]))
    with pytest.raises(ApplicationError, match="不是文本表格"):
        dry_run(road_version, operator, "roads.csv", files.xlsx([files.ROAD_HEADER]))
    job = dry_run(road_version, operator, "random.csv", bytes(range(256)) * 4)
    assert job.state == ImportState.INVALID and job.errors[0]["row"] == 0


def test_xls_is_refused_with_a_message_asking_for_xlsx(road_version, operator):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(ApplicationError, match=r"另存为.*\.xlsx") as exc:
        dry_run(road_version, operator, "old.xls", ole)
    assert exc.value.code == "xls"
    with pytest.raises(ApplicationError, match=r"\.xls"):
        dry_run(road_version, operator, "renamed.xlsx", ole)


@override_settings(IMPORT_MAX_FILE_MB=1)
def test_file_over_the_size_limit(road_version, operator):
    big = files.csv_bytes([files.ROAD_HEADER, *files.road_rows(30000)])
    assert len(big) > 1024 * 1024
    with pytest.raises(ApplicationError, match="超过上限 1 MB"):
        dry_run(road_version, operator, "big.csv", big)


@override_settings(IMPORT_MAX_ROWS=5)
def test_file_over_the_row_limit(road_version, operator):
    job = dry_run(road_version, operator, "rows.xlsx", files.xlsx([files.ROAD_HEADER, *files.road_rows(6)]))
    assert job.state == ImportState.INVALID
    assert job.errors[0]["message"] == "文件的数据行超过上限 5 行。请拆分成多个文件分批导入。"
    assert Identifier.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_chinese_excel_writes(road_version, operator, encoding):
    rows = [files.ROAD_HEADER, ["C1", "纬三路", "厂区道路", 1, "2024年3月1日"]]
    job = dry_run(road_version, operator, "roads.csv", files.csv_bytes(rows, encoding))
    assert job.state == ImportState.VALIDATED, job.errors
    apply(job)
    assert values_of("88.101.YQ/C1")["road_class"] == "厂区道路"


# ------------------------------------------------------------------ apply, re-import, round trip


def test_apply_writes_identifiers_audit_and_outbox_and_reimport_changes_nothing(road_version, operator):
    data = files.csv_bytes([files.ROAD_HEADER, *files.road_rows(50)])
    audit_before, outbox_before = AuditEntry.objects.count(), OutboxEntry.objects.count()
    job = apply(dry_run(road_version, operator, "roads.csv", data))
    assert (job.state, job.create_count) == (ImportState.APPLIED, 50)
    assert Identifier.objects.filter(enterprise=operator).count() == 50
    assert AuditEntry.objects.filter(action="identifier.register").count() - 0 >= 50
    assert AuditEntry.objects.count() == audit_before + 51  # one per identifier + the job
    assert OutboxEntry.objects.count() == outbox_before + 50
    stamps = dict(Identifier.objects.values_list("handle", "updated_at"))

    again = dry_run(road_version, operator, "roads.csv", data)
    assert (again.create_count, again.update_count, again.unchanged_count) == (0, 0, 50)
    apply(again)
    assert dict(Identifier.objects.values_list("handle", "updated_at")) == stamps
    assert OutboxEntry.objects.count() == outbox_before + 50

    changed = files.road_rows(50)
    changed[9][3] = "999.5"
    job = apply(dry_run(road_version, operator, "roads.csv", files.csv_bytes([files.ROAD_HEADER, *changed])))
    assert (job.create_count, job.update_count, job.unchanged_count) == (0, 1, 49)
    assert values_of("88.101.YQ/R00010")["length_m"] == "999.5"
    assert Identifier.objects.count() == 50
    entry = AuditEntry.objects.filter(action="identifier.update").get()
    assert entry.changes == {"values.length_m": ["10.5", "999.5"]}


def test_enterprise_imports_land_under_its_own_prefix(road_version, alpha):
    from django_tenants.utils import tenant_context

    with tenant_context(alpha):
        job = apply(
            dry_run(
                road_version, alpha, "roads.csv", files.csv_bytes([files.ROAD_HEADER, *files.road_rows(3)])
            )
        )
        from apps.imports.models import ImportJob

        assert ImportJob.objects.filter(pk=job.pk).exists()
    assert set(Identifier.objects.values_list("handle", flat=True)) == {
        f"88.101.ALPHA/R0000{i}" for i in (1, 2, 3)
    }
    from apps.imports.models import ImportJob

    assert not ImportJob.objects.filter(original_name="roads.csv", enterprise=alpha).exists()  # public schema


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(road_version, operator, kind, language):
    """Also when the user works in English: the file's fixed headers are then in English."""
    from django.utils import translation

    from apps.imports.exports import export_identifiers

    translation.activate(language)

    rows = files.road_rows(20, length="{i}")
    rows[0][3] = "0.5"
    rows[1][4] = "2023年12月31日"
    apply(dry_run(road_version, operator, "roads.csv", files.csv_bytes([files.ROAD_HEADER, *rows])))
    buf = io.BytesIO()
    count = export_identifiers(
        queryset=Identifier.objects.all(),
        template=road_version.template,
        enterprise=operator,
        file_format=kind,
        out=buf,
    )
    assert count == 20
    job = dry_run(road_version, operator, f"export.{kind}", buf.getvalue())
    assert job.state == ImportState.VALIDATED, job.errors
    assert job.warnings == []
    assert (job.total_rows, job.create_count, job.update_count, job.unchanged_count) == (20, 0, 0, 20)
    if kind == "xlsx":  # an edited export keeps its dropdowns below the exported rows
        ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["数据"]
        header = [c.value for c in ws[1]]
        grade_col = files.column(header, "道路等级 *")
        assert f"{grade_col}3:{grade_col}1048576" in {
            str(dv.sqref) for dv in ws.data_validations.dataValidation
        }


def test_dry_run_and_apply_query_counts_do_not_grow_with_rows(road_version, operator):
    data = files.csv_bytes([files.ROAD_HEADER, *files.road_rows(3000)])
    with CaptureQueriesContext(connection) as ctx:
        job = dry_run(road_version, operator, "roads.csv", data)
        apply(job)
    assert job.create_count == 3000
    assert len(ctx.captured_queries) / 3000 < 0.05, len(ctx.captured_queries)


def test_a_row_in_error_means_nothing_is_written(road_version, operator):
    rows = [files.ROAD_HEADER, *files.road_rows(100)]
    rows[77][2] = "不存在的等级"
    job = dry_run(road_version, operator, "roads.csv", files.csv_bytes(rows))
    assert job.state == ImportState.INVALID and job.create_count == 99
    with pytest.raises(ApplicationError):
        services.import_job_confirm(job=job, actor=None, start=False)
    assert Identifier.objects.count() == 0


# ------------------------------------------------------------------ jobs that cannot be checked


def test_upload_without_an_active_prefix_is_refused_at_once(road_version, enterprise_b):
    from apps.imports.models import ImportJob

    with pytest.raises(ApplicationError) as exc:
        services.import_job_create(
            actor=None,
            enterprise=enterprise_b,
            template_version=road_version,
            uploaded_file=upload("roads.csv", files.csv_bytes([files.ROAD_HEADER, *files.road_rows(1)])),
            start=False,
        )
    assert exc.value.message == "企业没有已生效的标识前缀，不能注册标识"
    assert not ImportJob.objects.filter(enterprise=enterprise_b).exists()


def test_a_damaged_sheet_inside_the_xlsx_is_reported_not_left_checking(road_version, operator):
    import zipfile

    good = files.xlsx([files.ROAD_HEADER, *files.road_rows(50)])
    src, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(
                info.filename, content.replace(b"R00010", b"R0001X") if info.filename == sheet else content
            )
    # The sheet's bytes changed but its headers keep the original CRC: a damaged member.
    changed_crc = zipfile.crc32(src.read(sheet).replace(b"R00010", b"R0001X")).to_bytes(4, "little")
    data = out.getvalue().replace(changed_crc, zipfile.crc32(src.read(sheet)).to_bytes(4, "little"))

    job = dry_run(road_version, operator, "damaged.xlsx", data)
    assert job.state == ImportState.INVALID
    assert error_lines(job) == ["无法读取 Excel 文件：文件已损坏。请用 Excel 打开后重新保存再上传。"]


def test_a_not_found_cached_before_the_import_does_not_outlive_it(
    road_version, operator, park_client, django_capture_on_commit_callbacks
):
    assert park_client.get("/api/handles/88.101.YQ/NEW-1").status_code == 404  # now cached as not found
    rows = [files.ROAD_HEADER, ["NEW-1", "新路", "支路", 1, None]]
    with django_capture_on_commit_callbacks(execute=True):
        job = apply(dry_run(road_version, operator, "roads.csv", files.csv_bytes(rows)))
    assert job.state == ImportState.APPLIED
    response = park_client.get("/api/handles/88.101.YQ/NEW-1")
    assert response.status_code == 200
    assert "新路" in [v["data"]["value"] for v in response.json()["values"]]


def test_identifiers_of_an_older_version_round_trip_unchanged(road_version, operator):
    from apps.imports.exports import export_identifiers
    from apps.metadata import services as metadata

    data = files.csv_bytes([files.ROAD_HEADER, *files.road_rows(5)])
    apply(dry_run(road_version, operator, "roads.csv", data))
    draft = metadata.template_version_create_draft(template=road_version.template)
    metadata.template_item_add(version=draft, name="养护班组", code="care_team", item_type="string")
    v2 = metadata.template_version_publish(version=draft)

    buf = io.BytesIO()
    export_identifiers(
        queryset=Identifier.objects.all(),
        template=v2.template,
        enterprise=operator,
        file_format="xlsx",
        out=buf,
    )
    for name, content in (("export.xlsx", buf.getvalue()), ("roads.csv", data)):
        job = dry_run(v2, operator, name, content)
        assert (job.state, job.create_count, job.update_count, job.unchanged_count) == (
            ImportState.VALIDATED,
            0,
            0,
            5,
        ), job.errors
    apply(job)
    assert set(Identifier.objects.values_list("template_version_id", flat=True)) == {road_version.pk}

    # A changed row moves to the version it was imported with.
    rows = files.road_rows(5)
    rows[0].append("市政养护公司")
    job = apply(
        dry_run(v2, operator, "roads.csv", files.csv_bytes([[*files.ROAD_HEADER, "养护班组"], *rows]))
    )
    assert (job.update_count, job.unchanged_count) == (1, 4)
    assert Identifier.objects.get(object_code="R00001").template_version_id == v2.pk
    assert values_of("88.101.YQ/R00001")["care_team"] == "市政养护公司"


def test_a_failed_apply_can_be_confirmed_again_and_an_unchecked_job_cannot(road_version, operator):
    rows = [files.ROAD_HEADER, ["F1", "路1", "支路", 1, None]]
    job = dry_run(road_version, operator, "roads.csv", files.csv_bytes(rows))
    assert job.state == ImportState.VALIDATED
    # the worker's failure hook: the apply rolled back and said so
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.FAILED, message="导入失败，未写入任何数据")
    job.refresh_from_db()
    assert services.import_job_can_retry(job=job)
    job = apply(job)
    assert (job.state, job.create_count, job.message) == (ImportState.APPLIED, 1, "")
    assert Identifier.objects.filter(object_code="F1").exists()

    bad = dry_run(
        road_version, operator, "roads.csv", files.csv_bytes([files.ROAD_HEADER, ["F2", "", "", "", None]])
    )
    assert bad.state == ImportState.INVALID and not services.import_job_can_retry(job=bad)
    with pytest.raises(ApplicationError, match="只有校验通过且没有错误的导入才能确认"):
        services.import_job_confirm(job=bad, actor=None, start=False)
    assert not Identifier.objects.filter(object_code="F2").exists()
