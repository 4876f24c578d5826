"""Reading a generated PDF the way a reader would: its text, its fonts, its pixels."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader


def text(pdf: bytes) -> str:
    """Text by poppler's pdftotext (what a reader copies out), whitespace collapsed to one space."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext ends every page with a form feed), whitespace collapsed."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return [" ".join(page.split()) for page in pages[: page_count(pdf)]]


def toc_pages(pdf: bytes, titles: list[str]) -> dict[str, tuple[int, int]]:
    """{title: (page number printed next to it in the table of contents, page where its heading
    is)}. The contents are on the first page that says 目录; the heading is the title's first
    occurrence on a later page."""
    pages = page_texts(pdf)
    toc_index = next(i for i, page in enumerate(pages) if "目录" in page)
    found = {}
    for title in titles:
        match = re.search(re.escape(title) + r" ?\.{3,} ?(\d+)", pages[toc_index])
        assert match, f"{title} has no page number in the contents: {pages[toc_index]}"
        heading = next((i + 1 for i, page in enumerate(pages) if i > toc_index and title in page), None)
        found[title] = (int(match.group(1)), heading)
    return found


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """{font name: has an embedded font program (FontFile/FontFile2/FontFile3)} over all pages."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for target in targets:
                descriptor = (
                    (target.get("/FontDescriptor") or {}).get_object()
                    if target.get("/FontDescriptor")
                    else {}
                )
                fonts[str(target.get("/BaseFont"))] = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
    return fonts


def ink_ratio(pdf: bytes, page: int = 1, dpi: int = 40) -> float:
    """Share of non-white pixels on a page rendered by pdftoppm (PPM parsed directly)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                f"{tmp}/p",
            ],
            check=True,
        )
        data = (Path(tmp) / "p.ppm").read_bytes()
    # P6 header: magic, width, height, maxval, each separated by whitespace
    parts = data.split(maxsplit=4)
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4]
    dark = sum(1 for i in range(0, width * height * 3, 3) if pixels[i] + pixels[i + 1] + pixels[i + 2] < 600)
    return dark / (width * height)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)
