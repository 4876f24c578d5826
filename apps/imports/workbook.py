"""Writing spreadsheets: the template download, exports and the error report.

All three share one layout so that any of them can be uploaded again: sheet 「数据」, row 1 the
items' Chinese names (required ones end in " *", units in brackets), row 2 hidden with the item
codes, data from row 3. Files are written in openpyxl's write-only mode (streamed, flat memory).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from apps.imports.reading import CODES_MARK, DATA_SHEET, EXAMPLE_CODE, EXAMPLE_NAME
from apps.metadata.choices import Grade, ItemType
from apps.metadata.validation import enum_choices

OBJECT_CODE = "object_code"
HANDLE = "handle"
INSTRUCTIONS_SHEET = "填写说明"
CHOICES_SHEET = "选项"
FIRST_DATA_ROW = 3
MAX_ROW = 1_048_576  # the last row of an Excel sheet: dropdowns reach every row a user may fill

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="808080")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")


@dataclass(frozen=True)
class ColumnSpec:
    code: str
    header: str
    item: dict | None = None

    @property
    def name(self) -> str:
        return self.item["name"] if self.item else self.header


def header_for(item: dict) -> str:
    unit = (item.get("constraints") or {}).get("unit")
    text = item["name"] + (f"({unit})" if unit else "")
    return text + (" *" if item.get("required") else "")


def enabled(items: list[dict]) -> list[dict]:
    return sorted(
        (i for i in items if i.get("state", "enabled") == "enabled"),
        key=lambda i: (i.get("order", 0), i["index"]),
    )


def columns_for(items: list[dict], *, with_handle: bool = False) -> list[ColumnSpec]:
    columns = [ColumnSpec(OBJECT_CODE, _("对象代码") + " *")]
    columns += [ColumnSpec(item["code"], header_for(item), item) for item in enabled(items)]
    if with_handle:
        columns.append(ColumnSpec(HANDLE, _("标识")))
    return columns


def _number_format(item: dict | None) -> str:
    if item is None:
        return "@"
    kind = item.get("item_type")
    if kind == ItemType.DATE:
        return "yyyy-mm-dd"
    if kind == ItemType.NUMBER:
        precision = (item.get("constraints") or {}).get("precision")
        if precision is None:
            return "General"
        return "0" if int(precision) == 0 else "0." + "0" * int(precision)
    return "@"


def cell_value(item: dict | None, text: str | None) -> Any:
    """A stored canonical string as the cell Excel should show: dates as dates, numbers as
    numbers when the number reads back as the same string (else text, so 12.50 stays 12.50)."""
    if text is None or text == "":
        return None
    kind = item.get("item_type") if item else None
    if kind == ItemType.DATE:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if kind == ItemType.NUMBER:
        try:
            number = float(text)
        except ValueError:
            return text
        if number.is_integer() and "." not in text and abs(number) < 2**53:
            return int(text)
        if repr(number) == text:
            return number
    return text


def _grade_label(item: dict) -> str:
    try:
        return str(Grade(item.get("grade", 1)).label)
    except ValueError:
        return str(item.get("grade", ""))


def _constraint_text(item: dict) -> str:
    c = item.get("constraints") or {}
    parts = []
    if c.get("min_length") is not None or c.get("max_length") is not None:
        parts.append(_("长度 %(a)s–%(b)s") % {"a": c.get("min_length") or 0, "b": c.get("max_length") or "∞"})
    if c.get("min") is not None or c.get("max") is not None:
        parts.append(_("范围 %(a)s–%(b)s") % {"a": c.get("min", "-∞"), "b": c.get("max", "∞")})
    if c.get("precision") is not None:
        parts.append(_("小数位 ≤ %(p)s") % {"p": c["precision"]})
    if c.get("unit"):
        parts.append(_("单位 %(u)s") % {"u": c["unit"]})
    if c.get("pattern"):
        parts.append(_("格式：%(h)s") % {"h": c.get("pattern_hint") or c["pattern"]})
    if item.get("item_type") == ItemType.ENUM:
        parts.append(_("可选：%(c)s") % {"c": _("、").join(enum_choices(item))})
    if item.get("item_type") == ItemType.REFERENCE:
        parts.append(_("填写已存在的标识，例如 88.101.ABC/B001"))
    return _("；").join(parts)


def _example_value(item: dict, row: int = 1) -> Any:
    kind = item.get("item_type")
    c = item.get("constraints") or {}
    if kind == ItemType.ENUM:
        choices = enum_choices(item)
        return choices[0] if choices else None
    if kind == ItemType.DATE:
        return dt.date(2024, 3, 1)
    if kind == ItemType.NUMBER:
        low = c.get("min")
        return max(1, int(low)) if low is not None else 1
    if kind == ItemType.REFERENCE or kind == ItemType.FILE:
        return None
    if c.get("pattern"):
        return None
    return _("示例%(name)s") % {"name": item["name"]}


def _header_cells(ws, columns: list[ColumnSpec]) -> tuple[list, list]:
    header, codes = [], []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if col.header.endswith("*") else HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if col.item and (col.item.get("help_text") or _constraint_text(col.item)):
            note = "\n".join(x for x in (col.item.get("help_text"), _constraint_text(col.item)) if x)
            cell.comment = Comment(note, "Park Portal", width=260, height=120)
        header.append(cell)
        codes.append(col.code)
    codes[0] = CODES_MARK
    return header, codes


def _setup_data_sheet(wb: Workbook, columns: list[ColumnSpec], *, validations_to: int) -> Any:
    ws = wb.create_sheet(DATA_SHEET)
    ws.freeze_panes = "B3"
    ws.row_dimensions[2].hidden = True
    choices_ws = None
    choice_col = 0
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(12, min(40, len(col.header) * 2 + 4))
        ws.column_dimensions[letter].number_format = _number_format(col.item)
        if col.item and col.item.get("item_type") == ItemType.ENUM and enum_choices(col.item):
            if choices_ws is None:
                choices_ws = wb.create_sheet(CHOICES_SHEET)
                choices_ws.sheet_state = "hidden"
                choices_rows: list[list] = []
            choice_col += 1
            values = enum_choices(col.item)
            for r, value in enumerate(values):
                while len(choices_rows) <= r:
                    choices_rows.append([])
                row = choices_rows[r]
                row.extend([None] * (choice_col - len(row)))
                row[choice_col - 1] = value
            ref_letter = get_column_letter(choice_col)
            dv = DataValidation(
                type="list",
                formula1=f"'{CHOICES_SHEET}'!${ref_letter}$1:${ref_letter}${len(values)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("无效的值"),
                error=_("请从下拉列表中选择"),
            )
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{validations_to}")
            ws.data_validations.append(dv)
    if choices_ws is not None:
        for row in choices_rows:
            choices_ws.append(row)
    return ws


def _instructions(wb: Workbook, template_label: str, columns: list[ColumnSpec]) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 8
    ws.column_dimensions["E"].width = 14
    ws.column_dimensions["F"].width = 60
    title = WriteOnlyCell(ws, value=_("批量导入填写说明 — %(t)s") % {"t": template_label})
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for line in [
        _(
            "1. 在「数据」工作表中从第 3 行开始填写，每行一个标识对象；第 2 行为隐藏的数据项编码行，请勿修改或删除。"
        ),
        _("2. 灰色斜体的示例行在导入时会被忽略，可以直接覆盖或删除。"),
        _(
            "3. 列名带 * 的为必填项；「对象代码」在本企业前缀下唯一，已存在的对象代码将更新原标识，未变化的行不做修改。"
        ),
        _("4. 日期可写作 2024-03-01、2024/3/1 或 2024年3月1日；枚举项请从下拉列表选择。"),
        _("5. 列的顺序可以调整；不认识的列会被忽略并给出提示；缺少必填列的文件不会被导入。"),
        _("6. 上传后系统先校验全部数据并给出报告，确认后才会一次性写入；任何一行出错都不会写入任何数据。"),
        _("7. 支持 .xlsx 和 CSV（UTF-8 或 GBK 编码）；不支持 .xls，请另存为 .xlsx。"),
    ]:
        ws.append([line])
    ws.append([])
    head = [_("列名"), _("数据项编码"), _("类型"), _("必填"), _("数据分级"), _("说明与约束")]
    cells = []
    for text in head:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    ws.append(cells)
    for col in columns:
        if col.item is None:
            if col.code == OBJECT_CODE:
                ws.append(
                    [
                        _("对象代码"),
                        OBJECT_CODE,
                        _("字符串"),
                        _("是"),
                        "",
                        _("标识后缀，例如 ROAD-001；同一文件内不能重复"),
                    ]
                )
            continue
        item = col.item
        try:
            kind = str(ItemType(item.get("item_type", "string")).label)
        except ValueError:
            kind = item.get("item_type", "")
        note = _("；").join(x for x in (item.get("help_text"), _constraint_text(item)) if x)
        ws.append(
            [
                item["name"],
                item["code"],
                kind,
                _("是") if item.get("required") else _("否"),
                _grade_label(item),
                note,
            ]
        )


def template_workbook(*, items: list[dict], template_label: str, out: IO[bytes]) -> None:
    """The empty import template for a template version, with one example row."""
    columns = columns_for(items)
    wb = Workbook(write_only=True)
    ws = _setup_data_sheet(wb, columns, validations_to=MAX_ROW)
    header, codes = _header_cells(ws, columns)
    ws.append(header)
    ws.append(codes)
    example = []
    for col in columns:
        value = EXAMPLE_CODE if col.code == OBJECT_CODE else _example_value(col.item)
        cell = WriteOnlyCell(ws, value=value)
        cell.font = EXAMPLE_FONT
        cell.number_format = _number_format(col.item)
        example.append(cell)
    ws.append(example)
    wb.defined_names[EXAMPLE_NAME] = DefinedName(
        EXAMPLE_NAME, attr_text=f"'{DATA_SHEET}'!${FIRST_DATA_ROW}:${FIRST_DATA_ROW}"
    )
    _instructions(wb, template_label, columns)
    wb.save(out)


def export_workbook(
    *, items: list[dict], template_label: str, rows: Iterable[tuple[str, str, dict[str, str]]], out: IO[bytes]
) -> int:
    """Identifiers as (object code, handle, {item code: canonical string}) → xlsx. Returns the row count."""
    columns = columns_for(items, with_handle=True)
    wb = Workbook(write_only=True)
    ws = _setup_data_sheet(wb, columns, validations_to=MAX_ROW)
    header, codes = _header_cells(ws, columns)
    ws.append(header)
    ws.append(codes)
    item_columns = [(c.code, c.item) for c in columns if c.item is not None]
    count = 0
    for object_code, handle, values in rows:
        ws.append([object_code, *(cell_value(item, values.get(code)) for code, item in item_columns), handle])
        count += 1
    _instructions(wb, template_label, columns)
    wb.save(out)
    return count


def export_csv(*, items: list[dict], rows: Iterable[tuple[str, str, dict[str, str]]], out: IO[bytes]) -> int:
    """CSV in UTF-8 with a BOM (Excel on Chinese Windows then opens it without mojibake)."""
    columns = columns_for(items, with_handle=True)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([c.header for c in columns])
    codes = [c.code for c in columns if c.item is not None]
    count = 0
    for object_code, handle, values in rows:
        writer.writerow([object_code, *(values.get(code, "") for code in codes), handle])
        count += 1
    text.flush()
    text.detach()
    return count


def _reported(value: Any) -> Any:
    """A cell as the report shows it: a control character a worksheet cannot hold (a CSV cell may
    have one; it is why the row is reported) is written as its code point, where a person sees it."""
    if isinstance(value, (list, dict)):
        return str(value)
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", value)
    return value


def error_report_workbook(
    *,
    header: list[Any],
    rows: Iterable[tuple[int, list[Any]]],
    errors: list[dict],
    column_index: dict[str, int],
    out: IO[bytes],
) -> None:
    """The uploaded rows with each bad cell filled red and its reason as a comment, the row
    number as the user's file had it in the first column and all reasons in the last."""
    by_row: dict[int, list[dict]] = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(error)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("错误报告"))
    ws.freeze_panes = "C2"
    width = len(header)
    head = [WriteOnlyCell(ws, value=_("原行号")), *(WriteOnlyCell(ws, value=_reported(h)) for h in header)]
    head.append(WriteOnlyCell(ws, value=_("错误")))
    for cell in head:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    ws.append(head)
    general = by_row.pop(0, [])
    for number, values in rows:
        row_errors = by_row.get(number)
        if not row_errors:
            continue  # the report lists the rows to fix, not the whole file
        values = list(values) + [None] * (width - len(values))
        cells = [number, *values[:width], None]
        out_cells = [WriteOnlyCell(ws, value=_reported(v)) for v in cells]
        for error in row_errors:
            index = column_index.get(error["column"])
            if index is not None and index < width:
                cell = out_cells[index + 1]
                cell.fill = ERROR_FILL
                cell.font = ERROR_FONT
                old = cell.comment.text + "\n" if cell.comment else ""
                cell.comment = Comment(old + error["message"], "Park Portal", width=240, height=80)
        out_cells[-1].value = _("；").join(
            _("「%(column)s」%(message)s") % {"column": e["column"], "message": e["message"]}
            for e in row_errors
        )
        out_cells[-1].font = ERROR_FONT
        ws.append(out_cells)
    for error in general:
        ws.append([None] * (width + 1) + [error["message"]])
    wb.save(out)
