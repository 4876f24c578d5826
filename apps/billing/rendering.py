"""The bill PDF (WeasyPrint, A4, the embedded CJK font): the park's header, the enterprise, the
lines, subtotal, VAT, 价税合计 with its 大写金额, and how to pay. One path, shared with the
reports (apps.core.pdf): no CJK font on the machine means a refusal, never a PDF of boxes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.billing.models import Bill, BillingSettings
from apps.core import pdf as core_pdf
from apps.tenants.selectors import park_get

TEMPLATE = "billing/pdf/bill.html"


def bill_context(bill: Bill) -> dict[str, Any]:
    park = park_get()
    return {
        "bill": bill,
        # sorted here, not order_by: a bill from selectors.bill_get has its lines prefetched
        "lines": sorted(bill.lines.all(), key=lambda line: (line.position, line.pk)),
        "enterprise": bill.enterprise,
        "park": park,
        "operator": park.operator if park is not None else None,
        "settings": BillingSettings.load(),
        "credit_notes": list(bill.credit_notes.order_by("issued_at", "id"))
        if not bill.is_credit_note
        else [],
        "printed_at": timezone.localtime(),
        "title": bill.number,
    }


def bill_pdf(bill: Bill) -> bytes:
    """The bill (or credit note) as PDF bytes; PdfFontMissing when no CJK font is installed."""
    return core_pdf.render_pdf(TEMPLATE, bill_context(bill))


def bill_pdf_filename(bill: Bill) -> str:
    return f"{bill.number}.pdf"
