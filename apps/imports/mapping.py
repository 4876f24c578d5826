"""From a Table's header to template items, and from its rows to records for the registry.

The header is checked before any data row is read: a missing required column or a column
named twice refuses the file; columns the template does not know are reported and ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from apps.imports.reading import CODES_MARK, FileRefused, Table, excel_date, normalise_header, spellings
from apps.imports.workbook import HANDLE, OBJECT_CODE, enabled
from apps.metadata.choices import ItemType

_UNIT_SUFFIX = re.compile(r"[(（][^()（）]*[)）]$")


@dataclass
class ColumnMap:
    object_code: int
    items: list[tuple[int, str]]  # (cell index, item code)
    labels: dict[str, str]  # item code / "object_code" → the column's name as the file wrote it
    date_codes: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def index_of(self) -> dict[str, int]:
        """Column label → cell index (for highlighting cells in the error report)."""
        result = {self.labels[OBJECT_CODE]: self.object_code}
        for index, code in self.items:
            result[self.labels[code]] = index
        return result


def _lookup(items: list[dict]) -> dict[str, str]:
    """Every spelling a header may use → item code: the name, the name with its unit, the code."""
    names: dict[str, str] = {OBJECT_CODE: OBJECT_CODE, HANDLE: HANDLE}
    names.update(dict.fromkeys(spellings("对象代码"), OBJECT_CODE))
    names.update(dict.fromkeys(spellings("标识"), HANDLE))
    for item in items:
        code = item["code"]
        names.setdefault(normalise_header(item["name"]), code)
        names.setdefault(normalise_header(code), code)
    return names


def map_columns(table: Table, items: list[dict]) -> ColumnMap:
    by_code = {item["code"]: item for item in items}
    lookup = _lookup(items)
    seen: dict[str, int] = {}
    labels: dict[str, str] = {}
    warnings: list[str] = []
    duplicates: list[str] = []
    header_row = table.header_row
    for index, cell in enumerate(table.header):
        text = normalise_header(cell)
        code = None
        if table.codes is not None and index < len(table.codes) and table.codes[index]:
            hidden = normalise_header(table.codes[index])
            code = (
                OBJECT_CODE
                if hidden == CODES_MARK
                else (hidden if hidden in by_code or hidden == HANDLE else None)
            )
        if code is None and text:
            code = lookup.get(text) or lookup.get(_UNIT_SUFFIX.sub("", text))
        if code is None:
            if text:
                warnings.append(
                    _("第 %(row)s 行「%(col)s」: 模板中没有这一列，已忽略")
                    % {"row": header_row, "col": str(cell).strip()}
                )
            continue
        if code == HANDLE:
            continue  # exports carry the full identifier; it follows from the object code
        label = str(cell).strip().rstrip("*＊ ").strip() if cell is not None else code
        if code in seen:
            duplicates.append(label)
            continue
        seen[code] = index
        labels[code] = label or code
    problems = []

    def listed(names: list[str]) -> str:
        return _("、").join(_("「%(name)s」") % {"name": name} for name in names)

    if duplicates:
        problems.append(_("表头中这些列出现了不止一次：%(cols)s") % {"cols": listed(duplicates)})
    if OBJECT_CODE not in seen:
        problems.append(_("缺少必填列「对象代码」"))
    missing = [item["name"] for item in enabled(items) if item.get("required") and item["code"] not in seen]
    if missing:
        problems.append(_("缺少必填列：%(cols)s") % {"cols": listed(missing)})
    if problems:
        raise FileRefused(
            _("%(problems)s。文件未导入，请对照模板修改表头后重新上传。")
            % {"problems": _("；").join(problems)},
            code="header",
        )
    item_columns = [(index, code) for code, index in seen.items() if code != OBJECT_CODE]
    dates = {code for _i, code in item_columns if by_code[code].get("item_type") == ItemType.DATE}
    return ColumnMap(seen[OBJECT_CODE], item_columns, labels, dates, warnings)


def _plain(value: Any) -> Any:
    """Cell value as something JSON can hold (dates as ISO text, which the validator reads)."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000"))


def records(
    table: Table, cmap: ColumnMap, *, with_cells: bool = True
) -> Iterator[tuple[int, Any, dict[str, Any], list[Any] | None]]:
    """(row number, object code cell, {item code: cell}, raw cells) for every non-empty row
    (the raw cells only ``with_cells``: the error report wants them, the dry run does not).
    Stops with FileRefused once the file has more data rows than IMPORT_MAX_ROWS."""
    limit = settings.IMPORT_MAX_ROWS
    count = 0
    oc = cmap.object_code
    columns = cmap.items
    dates = cmap.date_codes
    for number, cells in table.rows:
        if all(_blank(v) for v in cells):
            continue  # empty rows, also the trailing ones Excel leaves formatted
        count += 1
        if count > limit:
            raise FileRefused(
                _("文件的数据行超过上限 %(limit)s 行。请拆分成多个文件分批导入。") % {"limit": limit},
                code="too_many_rows",
            )
        width = len(cells)
        values = {}
        for index, code in columns:
            value = cells[index] if index < width else None
            if code in dates:
                value = excel_date(value)
            values[code] = _plain(value)
        code_cell = cells[oc] if oc < width else None
        yield number, _plain(code_cell), values, [_plain(v) for v in cells] if with_cells else None
