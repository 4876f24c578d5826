"""月度报备: the monthly filing a secondary node sends to the top-level node.

``monthly_filing_build(period)`` returns the JSON body (运营时长, SLA 指标, 服务维护, 紧急情况);
the sync app submits it (or, without a national adapter configured, stores it), and the reports
app renders the same body as a PDF.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.utils import timezone

from apps.reports import selectors
from apps.reports.choices import ServiceEventKind

FILING_VERSION = 1


def month_bounds(period: dt.date | str) -> tuple[dt.date, dt.date]:
    """A date in the month, or ``"2026-11"`` → (first day, last day)."""
    if isinstance(period, str):
        year, month = (int(part) for part in period[:7].split("-"))
        period = dt.date(year, month, 1)
    first = period.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def previous_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def monthly_filing_build(period: dt.date | str) -> dict[str, Any]:
    first, last = month_bounds(period)
    scope = selectors.Scope(start=first, end=last)
    park = selectors.park_profile()
    events = selectors.service_events(scope)
    resolution = selectors.resolution_section(scope)
    identifiers = selectors.identifier_section(scope)
    enterprises = selectors.enterprise_section(scope)
    sync = selectors.sync_section(scope)

    # 运营时长: hours of the month the node existed (a node that opened mid-month files fewer)
    opened = park.get("since")
    start = max(scope.since, opened) if opened else scope.since
    end = min(scope.until, timezone.now())
    operating_hours = max(0.0, (end - start).total_seconds() / 3600)
    downtime = sum(event["minutes"] for event in events if event["service_interrupted"])
    available = selectors.availability_detail(scope, events)

    def event_json(event: dict) -> dict:
        return {
            "title": event["title"],
            "description": event["description"],
            "started_at": _iso(event["started_at"]),
            "ended_at": _iso(event["ended_at"]),
            "service_interrupted": event["service_interrupted"],
            "minutes": round(event["minutes"], 1),
        }

    return {
        "version": FILING_VERSION,
        "node": {
            "name": park["name"],
            "prefix_root": park.get("prefix_root", ""),
            "node_mode": str(park.get("node_mode", "")),
            "domain": park.get("domain", ""),
            "operator": park.get("operator", ""),
            "operator_credit_code": park.get("operator_credit_code", ""),
        },
        "period": {"month": f"{first:%Y-%m}", "start": first.isoformat(), "end": last.isoformat()},
        "operation": {
            "operating_hours": round(operating_hours, 1),
            "downtime_minutes": round(downtime, 1),
            "enterprises_active": enterprises["active"],
            "enterprises_joined": enterprises["joined"],
            "prefixes": identifiers["prefix_count"],
        },
        "sla": {
            "availability": round(available["value"], 6),
            # "events": from the recorded interruptions; "probes": the monitoring probes' success share was lower
            "availability_basis": available["basis"],
            "availability_events": round(available["events_share"], 6),
            "availability_probes": available["probes"],
            "availability_probes_ok": available["probes_ok"],
            "resolution_p50_ms": resolution["p50"],
            "resolution_p99_ms": resolution["p99"],
            "registrations": identifiers["period"],
            "identifiers_total": identifiers["total"],
            "withdrawals": identifiers["withdrawn_period"],
            "resolutions": resolution["total"],
            "resolutions_not_found": resolution["not_found"],
            "sync_sent": sync["sent"],
            "sync_pending": sync["pending"],
            "sync_failed": sync["failed"],
        },
        "maintenance": [event_json(e) for e in events if e["kind"] == ServiceEventKind.MAINTENANCE],
        "emergencies": [event_json(e) for e in events if e["kind"] == ServiceEventKind.EMERGENCY],
        "generated_at": timezone.localtime().isoformat(),
    }
