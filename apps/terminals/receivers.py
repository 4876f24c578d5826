"""Connections made in TerminalsConfig.ready(): the terminal-authentication section of the
park's evaluation report (reports is a lower layer and learns it through its registry), and
Excel enrolment (an import under a terminal template issues the credentials in its key column)."""

from django.utils.translation import gettext as _

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


def _enrol_imported(sender, job_id, **kwargs):
    from apps.terminals.services import terminals_enrol_imported

    terminals_enrol_imported(job_id=job_id)


import_applied.connect(_enrol_imported, dispatch_uid="terminals.enrol_imported")
