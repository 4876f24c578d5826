"""Excel export of the receivables page (openpyxl): the rows and bucket totals as shown."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

BUCKET_LABELS = {
    "current": lambda: _("未到期"),
    "1_30": lambda: _("1–30 天"),
    "31_60": lambda: _("31–60 天"),
    "61_90": lambda: _("61–90 天"),
    "90_plus": lambda: _("90 天以上"),
}


def bucket_label(name: str) -> str:
    return BUCKET_LABELS[name]() if name in BUCKET_LABELS else name


def receivables_workbook(report: dict[str, Any]) -> bytes:
    """One sheet: a row per open bill (enterprise, bill, period, due date, days overdue, ageing
    bucket, total, paid, open amount), then the totals per bucket. Amounts are numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("应收账款")
    sheet.append([_("应收账款（截至 %(date)s）") % {"date": f"{report['on']:%Y-%m-%d}"}])
    sheet["A1"].font = Font(bold=True)
    header = [
        _("企业"),
        _("统一社会信用代码"),
        _("账单编号"),
        _("账期"),
        _("到期日"),
        _("逾期天数"),
        _("账龄"),
        _("价税合计"),
        _("已红冲"),
        _("已收"),
        _("应收"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report["rows"]:
        bill = row["bill"]
        sheet.append(
            [
                bill.enterprise.name,
                bill.enterprise.credit_code,
                bill.number,
                f"{bill.period:%Y-%m}",
                bill.due_date,
                row["days_overdue"],
                bucket_label(row["bucket"]),
                bill.total,
                bill.credited_amount,
                bill.paid_amount,
                row["open"],
            ]
        )
        sheet.cell(row=sheet.max_row, column=5).number_format = "yyyy-mm-dd"
        for column in (8, 9, 10, 11):
            sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
    sheet.append([])
    for name, amount in report["totals"].items():
        sheet.append([bucket_label(name), None, None, None, None, None, None, None, None, None, amount])
        sheet.cell(row=sheet.max_row, column=11).number_format = "#,##0.00"
    sheet.append([_("合计"), None, None, None, None, None, None, None, None, None, report["total"]])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.cell(row=sheet.max_row, column=11).number_format = "#,##0.00"
    for column, width in zip("ABCDEFGHIJK", (30, 22, 22, 10, 12, 10, 12, 14, 12, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
