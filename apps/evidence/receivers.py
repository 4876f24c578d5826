"""Connections made in EvidenceConfig.ready(): the 数据上链 / 数据可信 section of the evaluation
report and the evidence card of the park's workbench (reports and workbench are lower layers and
learn them through their registries)."""

from django.utils.translation import gettext as _

from apps.reports.sections import ReportSection
from apps.reports.sections import register as register_report
from apps.workbench.sections import DashboardSection
from apps.workbench.sections import register as register_card


def _report_figures(scope):
    from apps.evidence.selectors import report_figures

    return report_figures(scope)


def _card_figures():
    from apps.evidence.selectors import dashboard_figures

    return dashboard_figures()


register_report(
    ReportSection(
        key="evidence",
        title=lambda: _("数据上链与数据可信（可信存证）"),
        figures=_report_figures,
        template="evidence/report_section.html",
        park_only=True,  # the park's log and its witnesses; an enterprise sees its evidence list
    )
)
register_card(
    DashboardSection(key="evidence", template="evidence/dashboard_card.html", figures=_card_figures)
)
