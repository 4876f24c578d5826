"""Connections made in TerminalsConfig.ready(): the terminal-authentication section of the
park's evaluation report (reports is a lower layer and learns it through its registry)."""

from django.utils.translation import gettext as _

from apps.reports.sections import ReportSection, register


def _figures(scope):
    from apps.terminals.selectors import report_figures

    return report_figures(scope)


register(
    ReportSection(
        key="terminals",
        title=lambda: _("标识+终端认证"),
        figures=_figures,
        template="terminals/report_section.html",
    )
)
