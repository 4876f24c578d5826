"""Carriers: the QR code of an identifier and printable label sheets.

The QR code encodes the identifier's resolution URL ``http://<park domain>/<handle>`` (with
the development port when the portal runs on one), so any phone camera opens the resolution
page; a labels PDF puts several labels with Chinese text on each A4 page.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

import segno
from django.conf import settings

LABELS_PER_PAGE = 24  # 3 columns × 8 rows on A4 (70 × 37 mm labels, the common sheet)


def resolution_base() -> str:
    explicit = getattr(settings, "PARK_PUBLIC_URL", "")
    if explicit:
        return explicit.rstrip("/")
    port = int(getattr(settings, "PARK_PORT", 80) or 80)
    scheme = "https" if getattr(settings, "SECURE_SSL", False) else "http"
    default_port = 443 if scheme == "https" else 80
    suffix = f":{port}" if settings.DEBUG and port != default_port else ""
    return f"{scheme}://{settings.PARK_DOMAIN}{suffix}"


def resolution_url(handle: str) -> str:
    # Chinese suffixes are percent-encoded (UTF-8) so every scanner reads the URL intact.
    return f"{resolution_base()}/{quote(handle, safe='/.-_~')}"


def _qr(handle: str):
    return segno.make(resolution_url(handle), error="m", micro=False)


def qr_svg(handle: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    _qr(handle).save(out, kind="svg", scale=scale, border=2, xmldecl=False)
    return out.getvalue()


def qr_png(handle: str, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    _qr(handle).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_data_uri(handle: str, *, scale: int = 6) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(handle, scale=scale)).decode("ascii")


def labels_pdf(identifiers, *, title: str = "") -> bytes:
    """A4 label sheets for ``identifiers`` (any iterable of Identifier)."""
    from apps.core.pdf import render_pdf

    labels = [
        {
            "handle": ident.handle,
            "name": ident.name,
            "category": ident.get_category_display(),
            "enterprise": str(ident.enterprise),
            "qr": qr_data_uri(ident.handle),
            "url": resolution_url(ident.handle),
        }
        for ident in identifiers
    ]
    pages = [labels[i : i + LABELS_PER_PAGE] for i in range(0, len(labels), LABELS_PER_PAGE)] or [[]]
    return render_pdf("identifiers/pdf/labels.html", {"pages": pages, "title": title})
