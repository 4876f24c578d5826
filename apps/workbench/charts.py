"""The workbenches' SVG charts (apps.core.charts) from the selectors' figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from apps.core.charts import bar_chart, hbar_chart, line_chart, pie_chart


def _registrations(figures: dict[str, Any]) -> str:
    reg = figures["registrations"]
    return bar_chart(
        # day of the month: 30 bars leave no room for more (the figure names its window)
        [(str(day.day), n) for day, n in zip(reg["days"], reg["counts"], strict=True)],
        title=_("每日登记标识数"),
        width=620,
    )


def _resolutions(figures: dict[str, Any]) -> str:
    res = figures["resolutions"]
    return line_chart(res["labels"], [(_("解析次数"), res["counts"])], title=_("每小时解析次数"), width=620)


def park_charts(figures: dict[str, Any]) -> dict[str, str]:
    res = figures["resolutions"]
    return {
        "enterprises": pie_chart(figures["enterprises"], title=_("企业状态")),
        "registrations": _registrations(figures),
        "resolutions": _resolutions(figures),
        "top_prefixes": hbar_chart(res["top_prefixes"], title=_("解析量最多的前缀")),
        "build_cases": bar_chart(figures["build_cases"]["stages"], title=_("各阶段建设案例")),
    }


def enterprise_charts(figures: dict[str, Any]) -> dict[str, str]:
    return {
        "registrations": _registrations(figures),
        "resolutions": _resolutions(figures),
        "by_template": hbar_chart(figures["registrations"]["by_template"], title=_("按模板")),
    }
