"""HTML → PDF with WeasyPrint, Chinese text included.

``render_pdf(template_name, context)`` renders a Django template and returns the PDF bytes.
The CJK font is the system's Noto Sans CJK (``make deps`` installs fonts-noto-cjk); it is
named by @font-face with its file path as well, so the PDF has Chinese glyphs even where
fontconfig does not know the font. Templates put ``{{ cjk_font_css|safe }}`` in their
<style> (the context always carries it, and ``cjk_font_family``), or extend
"core/pdf/base.html" (A4, running header, page x / y footer, table of contents, repeated table
headers) as the reports do.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError

# WeasyPrint logs every layout step at INFO; a worker's log is no place for that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIRS = [
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
]
FONT_FAMILY = "PortalCJK"
BASE_TEMPLATE = "core/pdf/base.html"
logger = logging.getLogger(__name__)


def font_path(bold: bool = False) -> Path | None:
    """The Noto Sans CJK collection on this machine (None when not installed)."""
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    configured = getattr(settings, "PDF_CJK_FONT_DIR", "")
    for folder in ([Path(configured)] if configured else []) + FONT_DIRS:
        candidate = folder / name
        if candidate.exists():
            return candidate
    return _fontconfig_path(bold)


@functools.lru_cache(maxsize=2)
def _fontconfig_path(bold: bool) -> Path | None:
    """Where fontconfig has the SC face (another distribution's layout); None, with a warning
    once, when no CJK font is installed: the PDF would show empty boxes."""
    found = None
    if shutil.which("fc-match"):
        pattern = "Noto Sans CJK SC:bold" if bold else "Noto Sans CJK SC"
        result = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False
        )
        candidate = Path(result.stdout.strip()) if result.returncode == 0 else None
        if candidate and "CJK" in candidate.name and candidate.exists():
            found = candidate
    if found is None and not bold:
        logger.warning("No Noto Sans CJK font found: install fonts-noto-cjk (make install, as root)")
    return found


def cjk_font_css() -> str:
    """@font-face rules for the CJK font (local name first, then the system file)."""
    rules = []
    for weight, bold, local in (
        ("normal", False, "Noto Sans CJK SC"),
        ("bold", True, "Noto Sans CJK SC Bold"),
    ):
        path = font_path(bold)
        sources = [f'local("{local}")']
        if path is not None:
            sources.append(f'url("{path.as_uri()}")')
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; src: {", ".join(sources)}; }}'
        )
    rules.append(f'html {{ font-family: "{FONT_FAMILY}", "Noto Sans CJK SC", sans-serif; }}')
    return "\n".join(rules)


def page_footer_content() -> str:
    """The CSS ``content`` of the page footer, from the translated "第 {page} 页 / 共 {pages} 页"
    (English: "Page {page} of {pages}"): the text around the placeholders as CSS strings, the
    placeholders as the page counters."""
    text = _("第 {page} 页 / 共 {pages} 页")
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", text):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)


def render_html(template_name: str, context: dict[str, Any]) -> str:
    ctx = dict(context)
    ctx.setdefault("cjk_font_css", cjk_font_css())
    ctx.setdefault("cjk_font_family", FONT_FAMILY)
    ctx.setdefault("page_footer_content", page_footer_content())
    return render_to_string(template_name, ctx)


class PdfFontMissing(ApplicationError):
    """No CJK font on this machine: every Chinese character of the PDF would be an empty box."""

    default_code = "pdf_font_missing"
    status_code = 503


def require_cjk_font() -> Path:
    """The CJK font file, or PdfFontMissing: a PDF is refused rather than printed as boxes."""
    path = font_path()
    if path is None:
        raise PdfFontMissing(
            _(
                "未找到中文字体（Noto Sans CJK），生成的 PDF 将无法显示中文：请安装 fonts-noto-cjk "
                "或设置 PDF_CJK_FONT_DIR 后重试"
            )
        )
    return path


_fonts = threading.local()


def _font_config():
    """This thread's WeasyPrint FontConfiguration, kept for the life of the process: a fresh one
    reads and copies the 20 MB Noto CJK collection for every @font-face of every PDF (two
    thirds of a bill's rendering time); a kept one has registered them already. One per thread,
    as Pango's font map is not shared across threads."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    require_cjk_font()
    document = HTML(string=html, base_url=base_url or f"file://{settings.BASE_DIR}/")
    return document.write_pdf(font_config=_font_config())


def render_pdf(template_name: str, context: dict[str, Any], *, base_url: str | None = None) -> bytes:
    """Render ``template_name`` with ``context`` (``cjk_font_css`` is added) to PDF bytes;
    PdfFontMissing (an ApplicationError with a clear message) when no CJK font is installed."""
    return html_to_pdf(render_html(template_name, context), base_url=base_url)


__all__ = [
    "BASE_TEMPLATE",
    "FONT_FAMILY",
    "PdfFontMissing",
    "cjk_font_css",
    "font_path",
    "html_to_pdf",
    "render_html",
    "render_pdf",
    "require_cjk_font",
]
