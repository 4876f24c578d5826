"""Multi-line text in a cell (Alt+Enter in Excel, a quoted newline in CSV) imports as typed;
other control and invisible characters are refused with the row and column named, and an object
code takes no line break at all."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from apps.identifiers.models import Identifier
from apps.imports import services
from apps.imports.choices import ImportState
from tests.imports import files
from tests.imports.test_services import apply, dry_run, error_lines, values_of

pytestmark = pytest.mark.django_db

HEADER = [*files.ROAD_HEADER, "对象描述"]
DESCRIPTION = "双向四车道\n北段设非机动车道"


def road(code: str, description: str) -> list:
    return [code, "纬一路", "支路", 120, "2024-03-01", description]


def test_an_alt_enter_cell_of_an_xlsx_imports_with_its_line_break(road_version, operator):
    def wrap(ws):  # what Excel sets on a cell typed with Alt+Enter
        ws["F2"].alignment = openpyxl.styles.Alignment(wrap_text=True)

    data = files.xlsx([HEADER, road("ML1", DESCRIPTION)], build=wrap)
    job = apply(dry_run(road_version, operator, "道路.xlsx", data))
    assert job.state == ImportState.APPLIED, job.errors
    assert values_of("88.101.YQ/ML1")["description"] == DESCRIPTION


ESCAPED = "双向四车道_x000D_\n北段设非机动车道"
_INLINE = re.compile(rb'<c r="(F[0-9]+)" t="inlineStr"><is><t>PLACEHOLDER</t></is></c>')
_SHARED_STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    f'<si><t xml:space="preserve">{ESCAPED}</t></si></sst>'
).encode()
_PARTS = {  # what Excel writes beside a worksheet whose text sits in the shared string table
    "[Content_Types].xml": (
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ),
    "xl/_rels/workbook.xml.rels": (
        b"</Relationships>",
        b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    ),
}


@pytest.mark.parametrize("stored", ["inline", "shared"])
def test_a_cr_lf_excel_escaped_in_a_shared_string_is_stored_as_one_line_break(road_version, operator, stored):
    """A CRLF pasted into an Excel cell is saved as "_x000D_" + LF (XML cannot hold a bare CR),
    in an inline string or (as Excel writes it) in the shared string table."""
    data = files.xlsx([HEADER, road("ML2", "PLACEHOLDER")])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if stored == "inline":
                    content = content.replace(b"PLACEHOLDER", ESCAPED.encode())
                    assert b"_x000D_" in content
                else:
                    content, replaced = _INLINE.subn(rb'<c r="\1" t="s"><v>0</v></c>', content)
                    assert replaced == 1
            elif stored == "shared" and info.filename in _PARTS:
                content = content.replace(*_PARTS[info.filename])
            dst.writestr(info, content)
        if stored == "shared":
            dst.writestr("xl/sharedStrings.xml", _SHARED_STRINGS)
    job = apply(dry_run(road_version, operator, "道路.xlsx", out.getvalue()))
    assert job.state == ImportState.APPLIED, job.errors
    assert values_of("88.101.YQ/ML2")["description"] == DESCRIPTION


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_a_quoted_newline_in_a_csv_cell_imports_with_its_line_break(road_version, operator, line_end):
    rows = [HEADER, road("ML3", DESCRIPTION.replace("\n", line_end)), road("ML4", "单行")]
    data = files.csv_bytes(rows).replace(b"\r\n", line_end.encode())  # csv.writer ends records in CRLF
    job = dry_run(road_version, operator, "道路.csv", data)
    assert job.state == ImportState.VALIDATED, job.errors
    assert job.total_rows == 2  # the newline inside the quotes does not start a record
    apply(job)
    assert values_of("88.101.YQ/ML3")["description"] == DESCRIPTION
    assert values_of("88.101.YQ/ML4")["description"] == "单行"


def test_tabs_in_text_are_kept(road_version, operator):
    job = apply(dry_run(road_version, operator, "道路.xlsx", files.xlsx([HEADER, road("ML5", "北段\t南段")])))
    assert job.state == ImportState.APPLIED, job.errors
    assert values_of("88.101.YQ/ML5")["description"] == "北段\t南段"


def test_invisible_and_control_characters_in_text_are_refused_with_row_and_column(road_version, operator):
    rows = [
        HEADER,
        road("ZW1", "双向四车道\u200b"),  # zero-width space, pasted from a web page
        road("ZW2", "双向\x07四车道"),  # a bell: only a CSV can carry one
        road("ZW3", "双向\n四车道"),
    ]
    job = dry_run(road_version, operator, "道路.csv", files.csv_bytes(rows))
    assert job.state == ImportState.INVALID
    assert error_lines(job) == [
        "第 2 行「对象描述」: 不能包含控制字符或不可见字符（U+200B），换行和制表符除外",
        "第 3 行「对象描述」: 不能包含控制字符或不可见字符（U+0007），换行和制表符除外",
    ]
    # The error report shows the rows, with the bell as its code point (a worksheet cannot hold it).
    buf = io.BytesIO()
    services.import_job_error_report(job=job, out=buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    header = [c.value for c in ws[1]]
    described = {r[0].value: r[header.index("对象描述")].value for r in ws.iter_rows(min_row=2)}
    assert described == {2: "双向四车道\u200b", 3: "双向<U+0007>四车道"}
    assert not Identifier.objects.filter(object_code__startswith="ZW").exists()


def test_a_line_break_in_an_object_code_is_refused(road_version, operator):
    data = files.xlsx([HEADER, road("RD\n8", "单行"), road("RD\t9", "单行")])
    job = dry_run(road_version, operator, "道路.xlsx", data)
    assert job.state == ImportState.INVALID
    assert error_lines(job) == [
        "第 2 行「对象代码」: 对象代码不能包含空格、斜杠或控制字符",
        "第 3 行「对象代码」: 对象代码不能包含空格、斜杠或控制字符",
    ]
    assert not Identifier.objects.filter(object_code__regex=re.escape("RD") + r"\s").exists()
