"""Terminal reads: an enterprise's terminals with their online state, readings over time,
alerts, and the park's statistics across enterprises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from apps.terminals.choices import AlertKind, AuthOutcome, CredentialState
from apps.terminals.models import AuthCount, Reading, Terminal, TerminalCredential, TerminalProfile

EXPIRY_WARNING = dt.timedelta(days=30)
FAILURE_WINDOW = dt.timedelta(hours=24)
DEFAULT_PROFILE = TerminalProfile(heartbeat_seconds=60, offline_alert_minutes=10, credential_days=365)


def profiles_by_template() -> dict[int, TerminalProfile]:
    """{template id: its terminal settings, inherited from the nearest ancestor}."""
    from apps.metadata.models import MetadataTemplate

    own = {p.template_id: p for p in TerminalProfile.objects.all()}
    parents = dict(MetadataTemplate.objects.values_list("id", "parent_id"))
    result = {}
    for template_id in parents:
        current, depth = template_id, 0
        while current is not None and current not in own and depth < 10:
            current, depth = parents.get(current), depth + 1
        if current in own:
            result[template_id] = own[current]
    return result


def terminal_templates(enterprise) -> list:
    """Published terminal templates the enterprise may register under (park's and its own)."""
    from apps.metadata.selectors import templates_for_enterprise

    profiled = profiles_by_template()
    return [t for t in templates_for_enterprise(enterprise, published_only=True) if t.pk in profiled]


@dataclass
class TerminalRow:
    terminal: Terminal
    profile: TerminalProfile
    online: bool
    credential: TerminalCredential | None  # the active one (else the newest)
    alerts: list[str] = field(default_factory=list)


def terminals_for(enterprise) -> QuerySet[Terminal]:
    return Terminal.objects.filter(enterprise=enterprise).select_related("identifier__template_version")


def is_online(terminal: Terminal, profile: TerminalProfile, now: dt.datetime) -> bool:
    seen = terminal.last_seen_at
    return seen is not None and seen >= now - dt.timedelta(seconds=profile.heartbeat_seconds)


def _alerts(terminal, profile, credential, now) -> list[str]:
    alerts = []
    seen = terminal.last_seen_at
    if seen is not None and seen < now - dt.timedelta(minutes=profile.offline_alert_minutes):
        alerts.append(AlertKind.OFFLINE)
    if terminal.last_failure_at and terminal.last_failure_at >= now - FAILURE_WINDOW:
        alerts.append(AlertKind.SIGNATURE_FAILURES)
    if (
        credential is not None
        and credential.state == CredentialState.ACTIVE
        and credential.not_after
        and credential.not_after <= now + EXPIRY_WARNING
    ):
        alerts.append(AlertKind.EXPIRING)
    return alerts


def terminal_rows(enterprise, *, now: dt.datetime | None = None, terminals=None) -> list[TerminalRow]:
    now = now or timezone.now()
    terminals = list(terminals if terminals is not None else terminals_for(enterprise))
    profiles = profiles_by_template()
    current: dict[int, TerminalCredential] = {}
    for credential in TerminalCredential.objects.filter(terminal__in=terminals).order_by(
        "-created_at", "-id"
    ):
        best = current.get(credential.terminal_id)
        if best is None or (
            best.state != CredentialState.ACTIVE and credential.state == CredentialState.ACTIVE
        ):
            current[credential.terminal_id] = credential
    rows = []
    for terminal in terminals:
        profile = profiles.get(terminal.identifier.template_version.template_id, DEFAULT_PROFILE)
        credential = current.get(terminal.pk)
        rows.append(
            TerminalRow(
                terminal=terminal,
                profile=profile,
                online=is_online(terminal, profile, now),
                credential=credential,
                alerts=_alerts(terminal, profile, credential, now),
            )
        )
    return rows


def terminal_get(enterprise, pk: int) -> Terminal | None:
    """The enterprise's terminal, or None (another tenant's is as absent as a missing one)."""
    return (
        terminals_for(enterprise)
        .select_related("identifier__template_version__template")
        .filter(pk=pk)
        .first()
    )


def terminal_credentials(terminal: Terminal) -> QuerySet[TerminalCredential]:
    return TerminalCredential.objects.filter(terminal=terminal).order_by("-key_index")


def readings_recent(terminal: Terminal, *, limit: int = 200) -> list[Reading]:
    """The terminal's latest readings, oldest first (read in the owning enterprise's schema)."""
    from apps.enterprise_data.services import restricted_context

    with restricted_context(terminal.enterprise):
        rows = list(Reading.objects.filter(terminal_id=terminal.pk).order_by("-recorded_at", "-id")[:limit])
    rows.reverse()
    return rows


def reading_series(readings: list[Reading]) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """Numeric readings as chart input: x labels (times) and one series per item."""
    numeric = [r for r in readings if r.number is not None]
    times = sorted({r.recorded_at for r in numeric})
    labels = [timezone.localtime(t).strftime("%m-%d %H:%M") for t in times]
    position = {t: i for i, t in enumerate(times)}
    series: dict[str, list[float]] = {}
    for r in numeric:
        values = series.setdefault(r.item_code, [0.0] * len(times))
        values[position[r.recorded_at]] = float(r.number)
    return labels, sorted(series.items())


# ---------------------------------------------------------------- park statistics
@dataclass
class ParkStatistics:
    enrolled: int
    online: int
    by_enterprise: list[tuple[str, int, int]]  # (enterprise, enrolled, online)
    hourly: list[tuple[str, int, int]]  # (hour label, authentications, failures)
    failures: list[tuple[str, int]]  # (reason label, count)
    credentials: dict[str, int]

    @property
    def online_rate(self) -> float:
        return round(100.0 * self.online / self.enrolled, 1) if self.enrolled else 0.0


def park_statistics(
    *, now: dt.datetime | None = None, hours: int = 24, start=None, end=None
) -> ParkStatistics:
    """Across every enterprise: terminals enrolled and online now, authentications per hour
    (the last ``hours``, or [start, end)), refusals by reason, credentials by state."""
    from apps.terminals.services import auth_counts_flush

    now = now or timezone.now()
    auth_counts_flush()
    profiles = profiles_by_template()
    by_enterprise: dict[str, list[int]] = {}
    enrolled = online = 0
    for terminal in Terminal.objects.select_related("enterprise", "identifier__template_version"):
        profile = profiles.get(terminal.identifier.template_version.template_id, DEFAULT_PROFILE)
        up = is_online(terminal, profile, now)
        entry = by_enterprise.setdefault(terminal.enterprise.short_name or terminal.enterprise.name, [0, 0])
        entry[0] += 1
        entry[1] += up
        enrolled += 1
        online += up
    end = end or now
    start = start or end - dt.timedelta(hours=hours)
    counts = AuthCount.objects.filter(hour__gte=start - dt.timedelta(hours=1), hour__lt=end)
    hourly_rows = (
        counts.values("hour")
        .annotate(
            ok=Sum("count", filter=Q(outcome=AuthOutcome.OK)),
            bad=Sum("count", filter=~Q(outcome=AuthOutcome.OK)),
        )
        .order_by("hour")
    )
    hourly = [
        (timezone.localtime(r["hour"]).strftime("%m-%d %H:00"), r["ok"] or 0, r["bad"] or 0)
        for r in hourly_rows
    ]
    labels = dict(AuthOutcome.choices)
    failures = [
        (str(labels.get(r["outcome"], r["outcome"])), r["n"])
        for r in counts.exclude(outcome=AuthOutcome.OK)
        .values("outcome")
        .annotate(n=Sum("count"))
        .order_by("-n")
    ]
    credentials = dict(
        TerminalCredential.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    return ParkStatistics(
        enrolled=enrolled,
        online=online,
        by_enterprise=sorted(((name, e, o) for name, (e, o) in by_enterprise.items()), key=lambda r: -r[1]),
        hourly=hourly,
        failures=failures,
        credentials=credentials,
    )


# ---------------------------------------------------------------- evaluation report section
def report_figures(scope) -> dict:
    """The evaluation report's terminal-authentication section (apps.reports.sections): for the
    park or one enterprise, terminals enrolled by the period's end, online at generation, device
    authentications in the period (accepted, refused, by reason) and credentials by state."""
    from apps.terminals.services import auth_counts_flush

    auth_counts_flush()
    now = timezone.now()
    terminals = Terminal.objects.filter(created_at__lt=scope.until).select_related(
        "identifier__template_version"
    )
    counts = AuthCount.objects.filter(hour__gte=scope.since, hour__lt=scope.until)
    credentials = TerminalCredential.objects.filter(created_at__lt=scope.until)
    if scope.enterprise is not None:
        terminals = terminals.filter(enterprise=scope.enterprise)
        counts = counts.filter(enterprise=scope.enterprise)
        credentials = credentials.filter(terminal__enterprise=scope.enterprise)
    profiles = profiles_by_template()
    terminals = list(terminals)
    online = sum(
        is_online(t, profiles.get(t.identifier.template_version.template_id, DEFAULT_PROFILE), now)
        for t in terminals
    )
    ok = counts.filter(outcome=AuthOutcome.OK).aggregate(n=Sum("count"))["n"] or 0
    labels = dict(AuthOutcome.choices)
    failures = [
        {"reason": str(labels.get(r["outcome"], r["outcome"])), "count": r["n"]}
        for r in counts.exclude(outcome=AuthOutcome.OK)
        .values("outcome")
        .annotate(n=Sum("count"))
        .order_by("-n")
    ]
    refused = sum(f["count"] for f in failures)
    states = dict(CredentialState.choices)
    by_state = [
        {"state": str(states.get(r["state"], r["state"])), "count": r["n"]}
        for r in credentials.values("state").annotate(n=Count("id")).order_by("state")
    ]
    algorithms = [
        {"algorithm": r["algorithm"], "count": r["n"]}
        for r in credentials.filter(state__in=[CredentialState.ACTIVE, CredentialState.RETIRING])
        .values("algorithm")
        .annotate(n=Count("id"))
        .order_by("algorithm")
    ]
    return {
        "enrolled": len(terminals),
        "online": online,
        "online_rate": (online / len(terminals)) if terminals else None,
        "authentications": ok + refused,
        "accepted": ok,
        "refused": refused,
        "accept_rate": (ok / (ok + refused)) if ok + refused else None,
        "failures": failures,
        "credentials": by_state,
        "algorithms": algorithms,
    }
