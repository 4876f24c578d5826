"""Connections made in TerminalsConfig.ready(): the terminal-authentication section of the
park's evaluation report (reports is a lower layer and learns it through its registry), the
park workbench's terminal card with its charts (workbench's registry, likewise), and
Excel enrolment (an import under a terminal template issues the credentials in its key column)."""

from django.utils.translation import gettext as _

from apps.core.dashboard import DashboardSection
from apps.core.dashboard import register as register_card
from apps.imports.signals import import_applied
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


def _card():
    """The park workbench's terminal card: enrolled, online now, authentications per hour and
    refusals by reason over 24 hours, as charts (the statistics page's own)."""
    from django.utils import timezone

    from apps.terminals.selectors import park_statistics
    from apps.terminals.views import park_charts

    stats = park_statistics(now=timezone.now())
    return {"stats": stats, **park_charts(stats, width=480)}


register_card(DashboardSection(key="terminals", template="terminals/dashboard_card.html", figures=_card))


def _enrol_imported(sender, job_id, **kwargs):
    from apps.terminals.services import terminals_enrol_imported

    terminals_enrol_imported(job_id=job_id)


import_applied.connect(_enrol_imported, dispatch_uid="terminals.enrol_imported")
