"""Builders of the spreadsheets users upload (xlsx written by openpyxl, then patched where
Excel's own output differs: cached formula values)."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

ROAD_HEADER = ["对象代码", "道路名称", "道路等级", "长度(m)", "建成日期"]


def road_rows(n: int, start: int = 1, length: str = "{i}.5") -> list[list]:
    return [
        [f"R{i:05d}", f"道路{i}", "主干路", length.format(i=i), "2024-03-01"] for i in range(start, start + n)
    ]


def xlsx(rows: list[list], *, merges: list[str] = (), sheet: str = "Sheet1", build=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    if build:
        build(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_cached_formula_values(data: bytes, cached: dict[str, str]) -> bytes:
    """Give formula cells the cached result Excel stores beside the formula (openpyxl writes
    formulas without one; Excel and LibreOffice always write it). ``cached``: {"D2": "20"}."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in cached.items():
                    numeric = re.fullmatch(r"-?\d+(\.\d+)?", value) is not None
                    cell_type = "" if numeric else ' t="str"'
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*?)(?: t="\w+")?([^>]*)>(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                        lambda m, v=value, t=cell_type, r=ref: (
                            f'<c r="{r}"{m.group(1)}{m.group(2)}{t}>{m.group(3)}<v>{v}</v>'
                        ),
                        text,
                    )
                content = text.encode()
            dst.writestr(info, content)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def column(header: list[str], name: str) -> str:
    return get_column_letter(header.index(name) + 1)
