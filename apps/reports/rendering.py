"""HTML → PDF for the reports: the context each template needs, its charts, and the renderer."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import charts
from apps.core import pdf as core_pdf
from apps.reports import formatting
from apps.reports.sections import registered as registered_sections
from apps.reports.selectors import Scope


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The one PDF path of the portal (apps.core.pdf, shared with the label sheets)."""
    return core_pdf.render_pdf(template_name, context)


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _numbered(sections: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(anchor, key, title) → the same with the title numbered by its position, in the
    language in force (一、… in Chinese, 1. … in English): numbers come from the order, never
    from parsing a translated title."""
    numerals = _("一,二,三,四,五,六,七,八,九,十,十一,十二").split(",")
    return [
        (anchor, key, _("%(number)s、%(title)s") % {"number": numerals[i], "title": title})
        for i, (anchor, key, title) in enumerate(sections)
    ]


def section_titles(*, enterprise: bool) -> list[tuple[str, str, str]]:
    sections = [
        ("sec-profile", "profile", _("园区概况与节点模式") if not enterprise else _("企业与园区概况")),
        ("sec-enterprises", "enterprises", _("入园企业")),
        ("sec-identifiers", "identifiers", _("标识注册")),
        ("sec-templates", "templates", _("模板覆盖与数据分级")),
        ("sec-resolution", "resolution", _("标识解析与服务可用性")),
        ("sec-sync", "sync", _("数据同步")),
        ("sec-buildcases", "buildcases", _("实施流程（建设案例）")),
        *(
            (f"sec-{extra.key}", extra.key, extra.title())
            for extra in registered_sections(enterprise=enterprise)
        ),
        ("sec-security", "security", _("安全基线")),
        ("sec-signature", "signature", _("签章")),
    ]
    if enterprise:
        sections = [section for section in sections if section[1] != "enterprises"]
    return _numbered(sections)


def filing_section_titles() -> list[tuple[str, str, str]]:
    return _numbered(
        [
            ("sec-node", "node", _("节点信息")),
            ("sec-operation", "operation", _("运营时长")),
            ("sec-sla", "sla", _("SLA 指标")),
            ("sec-maintenance", "maintenance", _("服务维护")),
            ("sec-emergencies", "emergencies", _("紧急情况")),
            ("sec-signature", "signature", _("签章")),
        ]
    )


def evaluation_context(data: dict[str, Any], *, title: str) -> dict[str, Any]:
    scope: Scope = data["scope"]
    sections = section_titles(enterprise=scope.enterprise is not None)
    identifiers = data["identifiers"]
    resolution = data["resolution"]
    security = dict(data["security"] or {})
    if security:
        security["verified_label"] = formatting.cn_datetime(security["audit_verified_at"])
        security["audit_full_label"] = formatting.cn_datetime(security.get("audit_full_at"))
    chart_set = {
        "enterprise_status": charts.pie_chart(
            [(row["label"], row["count"]) for row in data["enterprises"]["by_status"]],
            title=_("企业状态分布"),
        ),
        "by_category": charts.bar_chart(
            [(row["label"], row["total"]) for row in identifiers["by_category"]],
            title=_("各类别累计有效标识"),
        ),
        "by_enterprise": charts.hbar_chart(
            [(row["name"], row["total"]) for row in identifiers["by_enterprise"][:15]],
            title=_("累计标识数前 15 位企业"),
        ),
        "resolution_daily": charts.line_chart(
            [f"{day.month}/{day.day}" for day, _n in resolution.get("daily", [])],
            [(_("解析量"), [n for _day, n in resolution.get("daily", [])])],
            title=_("每日解析量"),
        ),
        "buildcase_stages": charts.bar_chart(
            [(row["stage"], row["count"]) for row in data["buildcases"].get("by_stage", [])],
            title=_("各阶段案例数"),
        ),
    }
    return {
        **data,
        "security": security,
        "title": title,
        "period_label": formatting.cn_period(scope.start, scope.end),
        "generated_at": timezone.now(),
        "sections": [(sid, label) for sid, _key, label in sections],
        "titles": {key: label for _sid, key, label in sections},
        "charts": chart_set,
        # registered sections in order: (anchor, numbered title, template, figures)
        "extra_sections": [
            (f"sec-{extra.key}", label, extra.template, data.get("extra", {}).get(extra.key, {}))
            for extra in registered_sections(enterprise=scope.enterprise is not None)
            for sid, key, label in sections
            if key == extra.key
        ],
    }


def filing_context(body: dict[str, Any], *, title: str) -> dict[str, Any]:
    import datetime as dt

    start = dt.date.fromisoformat(body["period"]["start"])
    end = dt.date.fromisoformat(body["period"]["end"])
    sla = body["sla"]
    probes = sla.get("availability_probes") or 0
    sections = filing_section_titles()
    return {
        "title": title,
        "body": body,
        "sections": [(sid, label) for sid, _key, label in sections],
        "titles": {key: label for _sid, key, label in sections},
        # the two sources of the availability figure, for the sentence saying which one it is
        "probe_share": (sla.get("availability_probes_ok") or 0) / probes if probes else None,
        "period_label": formatting.cn_period(start, end),
        "month_label": formatting.cn_month(start),
        "generated_at": timezone.now(),
    }
