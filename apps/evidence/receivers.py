"""Connections made in EvidenceConfig.ready(): the 数据上链 / 数据可信 section of the evaluation
report and the evidence card of the park's workbench (reports and workbench are lower layers and
learn them through their registries)."""

from django.utils.translation import gettext as _

from apps.core.dashboard import DashboardSection
from apps.core.dashboard import register as register_card
from apps.reports.sections import ReportSection
from apps.reports.sections import register as register_report


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


def _bid_methods():
    """The log key in the park's own BID document (apps.bid's extension point), so a verifier
    who trusts the park's BID can take the log key from there too."""
    from apps.bid.codec import parse_public_key
    from apps.bid.registry import ParkMethod
    from apps.evidence.log import default_origin
    from apps.evidence.models import EvidenceLog

    log = EvidenceLog.objects.filter(origin=default_origin()).first()
    if log is None or not log.public_key:
        return []
    return [
        ParkMethod(
            fragment="evidence-log",
            key_type="sm2",
            public_key_hex=parse_public_key(log.public_key).encoded,
            purposes=("assertionMethod",),
        )
    ]


try:  # apps.bid (issue 20): present in this deployment
    from apps.bid.registry import register_park_method
except ImportError:
    pass
else:
    register_park_method("evidence-log", _bid_methods)
