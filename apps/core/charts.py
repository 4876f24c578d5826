"""Small SVG charts (bar, horizontal bar, line, pie) as strings, shared by the dashboards and
the PDF reports. No JavaScript, no external assets: the same markup renders in a browser and in
WeasyPrint. Embed with ``{{ svg|safe }}`` — every label is escaped here.

Usage::

    bar_chart([("道路设施", 120), ("能源设施", 80)], title="按类别")
    line_chart(["01时", "02时"], [("解析量", [10, 12])], title="解析量")
    pie_chart([("已开通", 5), ("已暂停", 1)])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from django.utils.translation import gettext_lazy

PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#9ca3af")
# PortalCJK first: the family apps.core.pdf's @font-face binds to the font file, so WeasyPrint
# draws chart labels with the embedded CJK font even where fontconfig does not know it; a browser
# (the dashboards) has no such family and takes the next.
FONT = "font-family=\"'PortalCJK','Noto Sans CJK SC','Noto Sans SC',sans-serif\""
EMPTY_TEXT = gettext_lazy("无数据")


def _num(value: float) -> str:
    """Axis/value label: integers plain, large values in 万 (in English, M from a million),
    others with one decimal."""
    from django.utils import translation

    chinese = (translation.get_language() or "zh-hans").startswith("zh")
    if chinese and value >= 100000:
        return f"{value / 10000:.1f}万".replace(".0万", "万")
    if not chinese and value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    base = 10**exponent
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * base:
            return step * base
    return 10 * base


def _svg(width: int, height: int, body: list[str], title: str = "") -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
    )
    parts = [head]
    if title:
        parts.append(
            f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-size="13" font-weight="bold" '
            f'{FONT} fill="#111827">{escape(title)}</text>'
        )
    parts.extend(body)
    parts.append("</svg>")
    return "".join(parts)


def _empty(width: int, height: int, title: str) -> str:
    return _svg(
        width,
        height,
        [
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" font-size="12" '
            f'{FONT} fill="#6b7280">{escape(str(EMPTY_TEXT))}</text>'
        ],
        title,
    )


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    data: Sequence[tuple[str, float]],
    *,
    title: str = "",
    width: int = 520,
    height: int = 240,
    color: str = "",
) -> str:
    """Vertical bars, one per (label, value)."""
    if not data or all(not v for _, v in data):
        return _empty(width, height, title)
    top = 28 if title else 10
    left, right, bottom = 48, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = _nice_max(max(v for _, v in data))
    body = []
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        body.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="9" {FONT} '
            f'fill="#6b7280">{escape(_num(vmax * i / 4))}</text>'
        )
    slot = plot_w / len(data)
    bar_w = max(2.0, slot * 0.6)
    label_limit = max(2, int(slot / 9))
    for i, (label, value) in enumerate(data):
        h = plot_h * (value / vmax)
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h - h
        fill = color or PALETTE[0]
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{fill}"/>')
        body.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="9" {FONT} '
            f'fill="#111827">{escape(_num(value))}</text>'
        )
        body.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14:.1f}" text-anchor="middle" font-size="9" '
            f'{FONT} fill="#374151">{escape(_truncate(str(label), label_limit))}</text>'
        )
    return _svg(width, height, body, title)


def hbar_chart(
    data: Sequence[tuple[str, float]], *, title: str = "", width: int = 520, bar_height: int = 18
) -> str:
    """Horizontal bars: long labels (enterprise names) read better this way."""
    top = 28 if title else 8
    height = top + len(data) * (bar_height + 6) + 10
    if not data or all(not v for _, v in data):
        return _empty(width, max(height, 80), title)
    left, right = 150, 60
    plot_w = width - left - right
    vmax = max(v for _, v in data) or 1
    body = []
    for i, (label, value) in enumerate(data):
        y = top + i * (bar_height + 6)
        w = plot_w * value / vmax
        body.append(
            f'<text x="{left - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" font-size="10" {FONT} '
            f'fill="#374151">{escape(_truncate(str(label), 14))}</text>'
        )
        body.append(
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        body.append(
            f'<text x="{left + w + 4:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="10" {FONT} '
            f'fill="#111827">{escape(_num(value))}</text>'
        )
    return _svg(width, height, body, title)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str = "",
    width: int = 520,
    height: int = 240,
    unit: str = "",
) -> str:
    """One line per (name, values) over shared x labels; a legend when there are several."""
    if not labels or not series or all(not any(vals) for _, vals in series):
        return _empty(width, height, title)
    top = 28 if title else 10
    left, right, bottom = 52, 10, 40 + (14 if len(series) > 1 else 0)
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = _nice_max(max((max(vals) if vals else 0) for _, vals in series))
    body = []
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        body.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="9" {FONT} '
            f'fill="#6b7280">{escape(_num(vmax * i / 4) + unit)}</text>'
        )
    n = len(labels)
    step = plot_w / max(1, n - 1)
    every = max(1, math.ceil(n / 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            body.append(
                f'<text x="{left + step * i:.1f}" y="{top + plot_h + 14:.1f}" text-anchor="middle" '
                f'font-size="9" {FONT} fill="#374151">{escape(str(label))}</text>'
            )
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        points = " ".join(
            f"{left + step * i:.1f},{top + plot_h - plot_h * (v or 0) / vmax:.1f}"
            for i, v in enumerate(values)
        )
        if len(values) == 1:
            x, y = points.split(",")
            body.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"/>')
        else:
            body.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.8"/>')
        if len(series) > 1:
            lx = left + s * 110
            ly = height - 8
            body.append(f'<rect x="{lx}" y="{ly - 8}" width="10" height="8" fill="{color}"/>')
            body.append(
                f'<text x="{lx + 14}" y="{ly}" font-size="10" {FONT} fill="#374151">{escape(name)}</text>'
            )
    return _svg(width, height, body, title)


def pie_chart(
    data: Sequence[tuple[str, float]], *, title: str = "", width: int = 360, height: int = 200
) -> str:
    """Pie with a legend showing each share."""
    total = sum(v for _, v in data if v > 0)
    if not total:
        return _empty(width, height, title)
    top = 28 if title else 10
    radius = min((height - top - 10) / 2, width / 4)
    cx, cy = 10 + radius, top + radius
    body = []
    angle = -math.pi / 2
    slices = [(label, value) for label, value in data if value > 0]
    for i, (label, value) in enumerate(slices):
        color = PALETTE[i % len(PALETTE)]
        share = value / total
        if share >= 0.9999:
            body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{color}"/>')
        else:
            end = angle + share * 2 * math.pi
            x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            x2, y2 = cx + radius * math.cos(end), cy + radius * math.sin(end)
            large = 1 if share > 0.5 else 0
            body.append(
                f'<path d="M{cx:.1f},{cy:.1f} L{x1:.2f},{y1:.2f} A{radius:.1f},{radius:.1f} 0 {large} 1 '
                f'{x2:.2f},{y2:.2f} Z" fill="{color}" stroke="#ffffff" stroke-width="1"/>'
            )
            angle = end
        ly = top + 6 + i * 16
        lx = cx + radius + 20
        body.append(f'<rect x="{lx:.1f}" y="{ly}" width="10" height="10" fill="{color}"/>')
        body.append(
            f'<text x="{lx + 14:.1f}" y="{ly + 9}" font-size="10" {FONT} fill="#374151">'
            f"{escape(_truncate(str(label), 12))} {escape(_num(value))}（{share * 100:.1f}%）</text>"
        )
    return _svg(width, height, body, title)
