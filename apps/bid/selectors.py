"""BID reads: an enterprise's BIDs, lookups both ways (BID ↔ Handle), the park's statistics,
the workbench figures and the evaluation report's section."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.bid import documents
from apps.bid.choices import AuthOutcome, BidState, BidSubject
from apps.bid.models import Bid, BidKey


def bids_for(enterprise, *, subject: str | None = None, state: str | None = None) -> QuerySet[Bid]:
    bids = Bid.objects.filter(enterprise=enterprise).select_related("identifier")
    if subject:
        bids = bids.filter(subject=subject)
    if state:
        bids = bids.filter(state=state)
    return bids.order_by("-created_at", "-id")


def bid_get(enterprise, pk) -> Bid | None:
    """One of ``enterprise``'s BIDs (None for another's: a probe learns nothing)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Bid.objects.select_related("identifier", "enterprise").filter(enterprise=enterprise, pk=pk).first()


def bid_keys(bid: Bid) -> QuerySet[BidKey]:
    return BidKey.objects.filter(bid=bid).order_by("number")


def bid_lookup(*, did: str | None = None, handle: str | None = None) -> Bid | None:
    """The BID of a mapped handle, or the BID itself (its handle: ``bid.identifier.handle``)."""
    bids = Bid.objects.select_related("identifier", "enterprise")
    if did:
        return bids.filter(did=did.strip()).first()
    if handle:
        return bids.filter(identifier__handle_ci=handle.strip().lower()).first()
    return None


def park_bid() -> Bid:
    from apps.bid.services import park_bid_refresh

    bid = Bid.objects.filter(did=documents.park_did()).first()
    return bid if bid is not None else park_bid_refresh()


def park_statistics() -> dict:
    """BIDs issued by enterprise and by subject type (the park's dashboard)."""
    bids = Bid.objects.exclude(subject=BidSubject.PARK)
    by_enterprise = list(
        bids.values("enterprise__name", "enterprise__code")
        .annotate(
            total=Count("id"),
            enterprise_bids=Count("id", filter=Q(subject=BidSubject.ENTERPRISE)),
            objects=Count("id", filter=Q(subject=BidSubject.IDENTIFIER)),
            active=Count("id", filter=Q(state=BidState.ACTIVE)),
        )
        .order_by("-total", "enterprise__code")
    )
    subjects = dict(BidSubject.choices)
    by_subject = [
        {"subject": r["subject"], "label": str(subjects.get(r["subject"], r["subject"])), "count": r["n"]}
        for r in bids.values("subject").annotate(n=Count("id")).order_by("subject")
    ]
    by_key_type = [
        {"key_type": r["key_type"], "count": r["n"]}
        for r in bids.values("key_type").annotate(n=Count("id")).order_by("key_type")
    ]
    return {
        "total": bids.count(),
        "active": bids.filter(state=BidState.ACTIVE).count(),
        "deactivated": bids.filter(state=BidState.DEACTIVATED).count(),
        "by_enterprise": by_enterprise,
        "by_subject": by_subject,
        "by_key_type": by_key_type,
    }


def workbench_figures(enterprise=None) -> dict:
    bids = Bid.objects.exclude(subject=BidSubject.PARK)
    if enterprise is not None:
        bids = bids.filter(enterprise=enterprise)
    return {
        "total": bids.count(),
        "active": bids.filter(state=BidState.ACTIVE).count(),
        "objects": bids.filter(subject=BidSubject.IDENTIFIER).count(),
    }


def report_figures(scope) -> dict:
    """数字身份管理 (BID 映射): BIDs mapped by the period's end (by subject, key type, state),
    mapped in the period, and BIDAuth verifications in the period (accepted, refused by reason)."""
    from apps.audit.models import AuditEntry

    bids = Bid.objects.exclude(subject=BidSubject.PARK).filter(created_at__lt=scope.until)
    attempts = AuditEntry.objects.filter(
        action="bid.auth.verify", created_at__gte=scope.since, created_at__lt=scope.until
    )
    if scope.enterprise is not None:
        bids = bids.filter(enterprise=scope.enterprise)
        attempts = attempts.filter(tenant_schema=scope.enterprise.schema_name)
    outcomes: dict[str, int] = {}
    for changes in attempts.values_list("changes", flat=True):
        outcome = ((changes or {}).get("outcome") or [None, None])[1] or "?"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    labels = dict(AuthOutcome.choices)
    accepted = outcomes.pop(AuthOutcome.OK, 0)
    refusals = sorted(
        ({"reason": str(labels.get(k, k)), "count": v} for k, v in outcomes.items()),
        key=lambda r: -r["count"],
    )
    subjects = dict(BidSubject.choices)
    return {
        "ac_code": documents.ac_code(),
        "park_did": documents.park_did(),
        "total": bids.count(),
        "new": bids.filter(created_at__gte=scope.since).count(),
        "active": bids.filter(state=BidState.ACTIVE).count(),
        "deactivated": bids.filter(state=BidState.DEACTIVATED).count(),
        "by_subject": [
            {"label": str(subjects.get(r["subject"], r["subject"])), "count": r["n"]}
            for r in bids.values("subject").annotate(n=Count("id")).order_by("subject")
        ],
        "by_key_type": [
            {"key_type": r["key_type"], "count": r["n"]}
            for r in bids.values("key_type").annotate(n=Count("id")).order_by("key_type")
        ],
        "verifications": accepted + sum(r["count"] for r in refusals),
        "accepted": accepted,
        "refusals": refusals,
    }
