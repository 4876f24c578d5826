"""Connections made in BidConfig.ready(): the BID section of the evaluation report, the
DID resolver path in the resolution server, and retiring the BID of a withdrawn identifier."""

from django.utils.translation import gettext as _

from apps.bid import resolve
from apps.core.dashboard import DashboardSection
from apps.core.dashboard import register as register_card
from apps.identifiers.signals import identifier_written
from apps.imports.signals import import_applied
from apps.reports.sections import ReportSection, register
from apps.resolution import pipeline


def _figures(scope):
    from apps.bid.selectors import report_figures

    return report_figures(scope)


register(
    ReportSection(
        key="bid",
        title=lambda: _("数字身份管理（BID 映射）"),
        figures=_figures,
        template="bid/report_section.html",
    )
)

pipeline.register_read_path(resolve.PATH, resolve.reply, resolve.warm)


def _identifier_written(sender, operation=None, identifier=None, **kwargs):
    from apps.identifiers.choices import IdentifierStatus

    if identifier is None or not getattr(identifier, "pk", None):
        return
    if operation == "delete" or getattr(identifier, "status", None) == IdentifierStatus.WITHDRAWN:
        from apps.bid.models import Bid

        if Bid.objects.filter(identifier_id=identifier.pk, state="active").exists():
            from apps.bid.services import bids_retire

            bids_retire(identifier_ids=[identifier.pk], reason=_("标识已注销"))


identifier_written.connect(_identifier_written, dispatch_uid="bid.identifier_written")


def _dashboard():
    from apps.bid.selectors import park_statistics

    stats = park_statistics()
    stats["by_enterprise"] = stats["by_enterprise"][:5]
    return stats


register_card(DashboardSection(key="bid", template="bid/dashboard_card.html", figures=_dashboard))


def _registered(sender, operation=None, identifier=None, **kwargs):
    """A registration under a template that asks for BIDs: mapped once it commits (a terminal's
    credential is issued in the same transaction, after the registration)."""
    if operation != "create" or identifier is None or not getattr(identifier, "pk", None):
        return
    from django.db import transaction

    from apps.bid.models import BidTemplate

    if not BidTemplate.objects.exists():  # most parks: one cheap read, no per-row work
        return
    identifier_id = identifier.pk

    def later():
        from apps.bid.services import bid_auto_map

        bid_auto_map(identifier_id=identifier_id)

    transaction.on_commit(later)


identifier_written.connect(_registered, dispatch_uid="bid.registered")


def _imported(sender, job_id, **kwargs):
    from apps.bid.services import bids_map_imported

    bids_map_imported(job_id=job_id)


import_applied.connect(_imported, dispatch_uid="bid.map_imported")
