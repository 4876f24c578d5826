"""Reading uploaded spreadsheets: what the file really is, its header row, its cells.

Knows nothing of templates: it hands out the header cells, the optional hidden item-code row
of our own template/export files, and the data rows with their spreadsheet row numbers
(the numbers a person sees in Excel), merged cells filled in and formulas as their cached values.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError

DATA_SHEET = "数据"
CODES_MARK = "object_code"  # first cell of the hidden item-code row of our files
EXAMPLE_NAME = "PP_EXAMPLE_ROW"  # defined name: the example row of a template download
EXAMPLE_CODE = "EXAMPLE-001"
HEADER_SEARCH_ROWS = 10

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


class FileRefused(ApplicationError):
    """The file as a whole cannot be read (wrong kind, too big, no header): nothing is read further."""

    def __init__(self, message: str, code: str = "file_refused"):
        super().__init__(message, code=code)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_FILE_MB
    if size > limit * 1024 * 1024:
        raise FileRefused(
            _("文件大小 %(size)s MB，超过上限 %(limit)s MB。请拆分成多个文件分批导入。")
            % {"size": _mb(size), "limit": limit},
            code="too_large",
        )


def sniff(head: bytes, name: str) -> str:
    """'xlsx' or 'csv' from the file's first bytes, checked against its name."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(_OLE_MAGIC) or ext == "xls":
        raise FileRefused(
            _(
                "不支持 Excel 97-2003 的 .xls 文件。请在 Excel 中选择「文件 → 另存为 → Excel 工作簿 (*.xlsx)」后重新上传。"
            ),
            code="xls",
        )
    if ext not in ("xlsx", "csv"):
        raise FileRefused(
            _("只支持 .xlsx 或 .csv 文件，收到的是「%(name)s」。") % {"name": name}, code="bad_type"
        )
    is_zip = head.startswith(_ZIP_MAGIC)
    if ext == "xlsx" and not is_zip:
        raise FileRefused(
            _(
                "文件「%(name)s」的扩展名是 .xlsx，但内容不是 Excel 工作簿。请用 Excel 打开后另存为 .xlsx 再上传。"
            )
            % {"name": name},
            code="not_xlsx",
        )
    if ext == "csv" and is_zip:
        raise FileRefused(
            _("文件「%(name)s」的扩展名是 .csv，但内容不是文本表格（看起来是 Excel 或其他二进制文件）。")
            % {"name": name},
            code="not_csv",
        )
    return ext


@dataclass
class Table:
    """A sheet as rows of values. ``header`` is the header row's cells, ``codes`` the hidden
    item-code row below it (our template and export files) or None."""

    format: str
    header: list[Any]
    header_row: int
    codes: list[Any] | None
    rows: Iterator[tuple[int, list[Any]]]
    estimated_rows: int | None = None
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)
    close: Any = None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_index(rows: list[list[Any]], marks) -> int | None:
    """Index of the first row that has a cell naming the object-code column."""
    for i, row in enumerate(rows):
        for cell in row:
            if isinstance(cell, str) and normalise_header(cell) in marks:
                return i
    return None


_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_SPACES = re.compile(r"\s+")


def normalise_header(text: Any) -> str:
    """'  长度（m） * ' → '长度(m)': full-width folded, required mark and spaces dropped."""
    if text is None:
        return ""
    value = str(text).translate(_FOLD)
    value = _SPACES.sub("", value).strip("*")
    return value


# ---------------------------------------------------------------- xlsx


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str) -> tuple[list[tuple[int, int, int, int]], int]:
    """(min_row, min_col, max_row, max_col) of each merged range, streamed from the sheet XML
    (read-only openpyxl does not report them; they sit after the cell data), and the number of
    rows the XML holds (for the progress bar, when the sheet has no dimension)."""
    ranges = []
    rows = 0
    tail = b""
    with archive.open(sheet_path) as stream:
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            cut = data.rfind(b"<")
            cut = cut if cut > len(data) - 200 else len(data)
            rows += data.count(b"row>", 0, cut)  # </row>, also with a namespace prefix
            if b"mergeCell" in data:
                for m in _MERGE_REF.finditer(data, 0, cut):
                    c1, r1, c2, r2 = m.groups()
                    ranges.append((int(r1), _column_number(c1), int(r2), _column_number(c2)))
            tail = data[cut:]
    rows += tail.count(b"row>")
    for m in _MERGE_REF.finditer(tail):
        c1, r1, c2, r2 = m.groups()
        ranges.append((int(r1), _column_number(c1), int(r2), _column_number(c2)))
    return ranges, rows


def _load_read_only(fileobj: IO[bytes]):
    """openpyxl's read-only workbook, without the size scan it makes of each sheet on opening:
    a sheet without a <dimension> element (openpyxl's own write-only files, many exports) is
    otherwise parsed in full just to learn its size, before any row is read."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self):
            pass  # the row count comes from the merged-range scan instead

    class Reader(ExcelReader):
        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = Reader(fileobj, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _guarded(rows: Iterator[tuple]) -> Iterator[tuple]:
    """openpyxl's rows; a cell it cannot parse refuses the file instead of crashing the job."""
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:
            raise FileRefused(
                _("无法读取第 %(row)s 行附近的单元格：文件可能已损坏。请用 Excel 打开后重新保存再上传。")
                % {"row": number + 1}
            ) from None
        number += 1
        yield row


# OOXML writes the control characters XML cannot hold as _xHHHH_ (Excel: a CR pasted into a
# cell is "_x000D_"); openpyxl hands them over escaped. Only the C0 range is decoded: those are
# the escapes Excel writes, and any other "_x…_" is more likely text.
_XML_ESCAPE = re.compile(r"_x00([01][0-9A-Fa-f])_")


def _unescape(text: str) -> str:
    return _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x00" in text else text


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _C, _V, _IS, _T = _NS + "row", _NS + "c", _NS + "v", _NS + "is", _NS + "t"
_DIGITS = str.maketrans("", "", "0123456789")


def _cell_number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _fast_rows(ws) -> Iterator[tuple]:
    """The sheet's rows as value tuples, read straight from its XML with ElementTree's C
    iterparse: the same values openpyxl's read-only mode gives with data_only (shared and
    inline strings, numbers, booleans, date-formatted numbers as datetimes, formulas as their
    cached values), several times faster. Rows missing from the XML come back empty."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_excel

    wb = ws.parent
    strings = [_unescape(text) if isinstance(text, str) else text for text in ws._shared_strings]
    date_styles = wb._date_formats
    epoch = wb.epoch
    column_cache: dict[str, int] = {}
    expected = 1
    with wb._archive.open(ws._worksheet_path) as source:
        for _event, element in iterparse(source):
            if element.tag != _ROW:
                continue
            number = element.get("r")
            number = int(number) if number else expected
            while expected < number:
                expected += 1
                yield ()
            values: list[Any] = []
            for cell in element:
                if cell.tag != _C:
                    continue
                ref = cell.get("r")
                if ref:
                    letters = ref.translate(_DIGITS)
                    col = column_cache.get(letters)
                    if col is None:
                        col = column_cache[letters] = _column_number(letters.encode())
                    if col > len(values) + 1:
                        values.extend([None] * (col - len(values) - 1))
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    node = cell.find(_IS)
                    if node is None:
                        value = None
                    elif len(node) == 1 and node.text is None and node[0].tail is None:
                        value = node[0].text or ""  # one plain <t>: what itertext joins
                    else:
                        value = "".join(node.itertext())
                    value = _unescape(value) if value else value
                else:
                    value = cell.findtext(_V) or None
                    if value is not None:
                        if kind == "n":
                            value = _cell_number(value)
                            style = cell.get("s")
                            if style and int(style) in date_styles:
                                try:
                                    value = from_excel(value, epoch)
                                except (OverflowError, ValueError):
                                    pass
                        elif kind == "s":
                            value = strings[int(value)]
                        elif kind == "b":
                            value = bool(int(value))
                        elif kind == "d":
                            from openpyxl.utils.datetime import from_ISO8601

                            value = from_ISO8601(value)
                values.append(value)
            element.clear()
            expected = number + 1
            yield tuple(values)


def _excel_rows(ws, merged: list[tuple[int, int, int, int]]) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) with each merged range's top-left value copied into all its cells."""
    # pending[row] = [(col, range)] for ranges starting on that row
    starts: dict[int, list[tuple[int, int, int, int]]] = {}
    for rng in merged:
        starts.setdefault(rng[0], []).append(rng)
    fills: dict[int, dict[int, Any]] = {}
    try:
        source = _fast_rows(ws)
    except AttributeError:  # an openpyxl without the internals the fast path reads
        source = ws.iter_rows(values_only=True)
    for number, row in enumerate(_guarded(source), start=1):
        values = list(row)
        for r1, c1, r2, c2 in starts.pop(number, ()):
            value = values[c1 - 1] if c1 - 1 < len(values) else None
            for r in range(r1, r2 + 1):
                target = fills.setdefault(r, {})
                for c in range(c1, c2 + 1):
                    target[c] = value
        fill = fills.pop(number, None)
        if fill:
            width = max(fill)
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            for c, value in fill.items():
                values[c - 1] = value
        yield number, values


def _open_xlsx(fileobj: IO[bytes]) -> Table:
    import openpyxl

    try:
        try:
            wb = _load_read_only(fileobj)
        except (ImportError, AttributeError, TypeError):  # openpyxl internals changed
            fileobj.seek(0)
            wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise FileRefused(_("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式。"), code="not_xlsx") from None
    try:
        ws = wb[DATA_SHEET] if DATA_SHEET in wb.sheetnames else wb.worksheets[0]
        example_row = None
        defined = getattr(wb, "defined_names", None)
        if defined is not None and EXAMPLE_NAME in defined:
            match = re.search(r"\$(\d+)", defined[EXAMPLE_NAME].attr_text or "")
            example_row = int(match.group(1)) if match else None
        merged, xml_rows = _merged_ranges(wb._archive, ws._worksheet_path)
    except Exception:  # a damaged sheet inside the zip (bad CRC, truncated stream), no sheet at all
        wb.close()
        raise FileRefused(
            _("无法读取 Excel 文件：文件已损坏。请用 Excel 打开后重新保存再上传。"), code="not_xlsx"
        ) from None
    rows = _excel_rows(ws, merged)
    head: list[tuple[int, list[Any]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    index = _header_index([r for _n, r in head], HEADER_MARKS)
    if index is None:
        wb.close()
        raise FileRefused(
            _("找不到表头：工作表前 %(n)s 行中没有「对象代码」列。") % {"n": HEADER_SEARCH_ROWS}
        )
    header_row, header = head[index]
    codes = None
    rest = head[index + 1 :]
    if rest and rest[0][1] and normalise_header(rest[0][1][0]) == CODES_MARK:
        codes = rest[0][1]
        rest = rest[1:]

    def data() -> Iterator[tuple[int, list[Any]]]:
        for source in (rest, rows):
            for number, values in source:
                # The template's example row, unless the user wrote over it.
                if number == example_row and EXAMPLE_CODE in values:
                    continue
                yield number, values

    max_row = ws.max_row if isinstance(ws.max_row, int) else xml_rows
    estimated = max_row if max_row > 1 else None
    if estimated is not None:
        estimated = max(0, estimated - header_row - (1 if codes else 0))

    return Table("xlsx", list(header), header_row, codes, data(), estimated, close=wb.close)


# ---------------------------------------------------------------- csv


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: what Chinese Excel writes for "CSV".
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise FileRefused(
            _("无法识别 CSV 文件的字符编码。请保存为「CSV UTF-8（逗号分隔）」后重新上传。"), code="encoding"
        ) from None


def _open_csv(fileobj: IO[bytes]) -> Table:
    try:
        text, encoding = _decode(fileobj.read())
    except (UnicodeDecodeError, UnicodeError):
        raise FileRefused(
            _("无法识别 CSV 文件的字符编码。请保存为「CSV UTF-8（逗号分隔）」后重新上传。")
        ) from None
    if "\x00" in text:
        raise FileRefused(_("文件内容不是文本表格，无法按 CSV 读取。"), code="not_csv")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(reader, start=1):
        head.append((number, row))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    index = _header_index([r for _n, r in head], HEADER_MARKS)
    if index is None:
        raise FileRefused(_("找不到表头：文件前 %(n)s 行中没有「对象代码」列。") % {"n": HEADER_SEARCH_ROWS})
    header_row, header = head[index]
    rest = head[index + 1 :]
    codes = None
    if rest and rest[0][1] and normalise_header(rest[0][1][0]) == CODES_MARK:
        codes = rest[0][1]
        rest = rest[1:]
    start = head[-1][0] + 1 if head else 1

    def data() -> Iterator[tuple[int, list[Any]]]:
        yield from rest
        # reader.line_num would count embedded newlines; a person counts records.
        yield from enumerate(reader, start=start)

    estimated = max(0, text.count("\n") - header_row)
    return Table("csv", header, header_row, codes, data(), estimated, encoding=encoding)


def spellings(source: str) -> set[str]:
    """A fixed column's header in every UI language (normalised): a file exported in English
    imports as well as one exported in Chinese."""
    from django.utils import translation

    found = {normalise_header(source)}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.add(normalise_header(_(source)))
    return found


class _HeaderMarks:
    """The object-code column's spellings, computed when first asked (translations loaded)."""

    def __contains__(self, text: str) -> bool:
        if not hasattr(self, "_marks"):
            self._marks = spellings("对象代码") | {CODES_MARK}
        return text in self._marks


HEADER_MARKS = _HeaderMarks()


def open_table(fileobj: IO[bytes], name: str) -> Table:
    """Open an uploaded file (a binary file object) as a Table, or raise FileRefused."""
    head = fileobj.read(8)
    fileobj.seek(0)
    kind = sniff(head, name)
    return _open_xlsx(fileobj) if kind == "xlsx" else _open_csv(fileobj)


def excel_date(value: Any) -> Any:
    """An Excel serial number in a date column (a cell typed as a number) → date."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date()
        return value
    if 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        result = from_excel(value)
        return result.date() if isinstance(result, dt.datetime) else result
    return value
