"""Reads of the workbenches: the park's and an enterprise's to-do queue and figures, and the
global search.

Every figure reads a summary (RegistrationDay, ResolutionStat, the registry's small tables) or
an indexed count, in a fixed number of queries whatever the number of enterprises: nothing
here loops over tenants or enters a tenant schema, except the enterprise workbench reading its
own import jobs from its own schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.replicas import read_alias, replica_reads
from apps.workbench.models import RegistrationDay, SummaryMark
from apps.workbench.services import REGISTRATIONS

REGISTRATION_DAYS = 30
RESOLUTION_HOURS = 24
TOP_PREFIXES = 10


def _todo(key: str, label: str, count: int, url: str) -> dict[str, Any]:
    return {"key": key, "label": label, "count": int(count or 0), "url": url}


def _url(name: str, query: str = "", anchor: str = "") -> str:
    return reverse(name) + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def _roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    roles = {user.park_role} if user.park_role else set()
    if user.is_superuser:
        roles |= {"park_admin", "park_operator", "park_auditor", "park_finance"}
    return roles


# ------------------------------------------------------------------------------------ park to-do
@replica_reads()
def park_todo(*, user) -> list[dict[str, Any]]:
    """What the signed-in park role may act on and what waits for it, each with a link to the
    list filtered to exactly those rows. A role sees only the entries it can act on."""
    from apps.billing.permissions import can_manage_billing
    from apps.buildcases.permissions import can_work
    from apps.identifiers.choices import UpstreamStatus
    from apps.identifiers.models import Prefix
    from apps.imports.choices import ImportState
    from apps.imports.models import ImportJob
    from apps.metadata.choices import ChangeRequestStatus
    from apps.metadata.selectors import pending_change_request_count
    from apps.sync.models import OutboxEntry, OutboxStatus
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    roles = _roles(user)
    admin = "park_admin" in roles
    worker = bool(roles & {"park_admin", "park_operator"})
    items = []
    if admin:
        items.append(
            _todo(
                "enterprise_applications",
                _("待审核的入驻申请"),
                Enterprise.objects.filter(status=EnterpriseStatus.APPLIED).count(),
                _url("tenants:enterprise_list", f"status={EnterpriseStatus.APPLIED}"),
            )
        )
        items.append(
            _todo(
                "change_requests",
                _("待审核的模板变更申请"),
                pending_change_request_count(),
                _url("metadata:change_request_list", f"status={ChangeRequestStatus.PENDING}"),
            )
        )
    if worker:
        outbox = dict(
            OutboxEntry.objects.filter(
                status__in=[OutboxStatus.WAITING_DATA, OutboxStatus.FAILED, OutboxStatus.STOPPED]
            )
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        items.append(
            _todo(
                "prefix_waiting_data",
                _("等待补充资料的前缀申请"),
                outbox.get(OutboxStatus.WAITING_DATA, 0),
                _url("sync:page", anchor="waiting-data"),
            )
        )
        items.append(
            _todo(
                "prefix_refused",
                _("上级节点驳回的前缀申请"),
                Prefix.objects.filter(upstream_status=UpstreamStatus.REJECTED).count(),
                _url("sync:page", f"upstream={UpstreamStatus.REJECTED}", "prefixes"),
            )
        )
        if can_work(user):
            from apps.buildcases.choices import CaseStatus, CompletionKind, ItemState
            from apps.buildcases.models import CaseItem

            items.append(
                _todo(
                    "signoffs",
                    _("待审核签字的建设检查项"),
                    CaseItem.objects.filter(
                        case__status=CaseStatus.ACTIVE,
                        stage=F("case__stage"),
                        completion_kind=CompletionKind.SIGNOFF,
                        state=ItemState.OPEN,
                    ).count(),
                    _url("buildcases:board", "waiting=signoff"),
                )
            )
        items.append(
            _todo(
                "sync_failures",
                _("同步失败或已停止的记录"),
                outbox.get(OutboxStatus.FAILED, 0) + outbox.get(OutboxStatus.STOPPED, 0),
                _url("sync:page", anchor="failures"),
            )
        )
        # The park's own import jobs (public schema); an enterprise's live in its schema.
        items.append(
            _todo(
                "imports_validated",
                _("待确认的导入任务"),
                ImportJob.objects.filter(state=ImportState.VALIDATED).count(),
                _url("imports:job_list", f"state={ImportState.VALIDATED}"),
            )
        )
    if can_manage_billing(user):
        from apps.billing.choices import PaymentState

        items.append(
            _todo(
                "overdue_bills",
                _("逾期未付的账单"),
                _overdue_bills().count(),
                _url("billing:bills", f"payment_state={PaymentState.OVERDUE}"),
            )
        )
    return items


def _overdue_bills():
    from apps.billing.choices import BillKind, BillStatus, PaymentState
    from apps.billing.models import Bill
    from apps.billing.selectors import with_payment_state

    return with_payment_state(Bill.objects.filter(kind=BillKind.BILL, status=BillStatus.ISSUED)).filter(
        payment_state=PaymentState.OVERDUE
    )


# ----------------------------------------------------------------------------- registrations
def _registration_mark() -> int:
    return SummaryMark.objects.filter(name=REGISTRATIONS).values_list("last_id", flat=True).first() or 0


def _registration_tail(mark: int, *, enterprise=None):
    """Identifiers registered since the last fold, grouped like RegistrationDay (a primary-key
    range: the fold keeps it short)."""
    from django.db.models.functions import TruncDate

    from apps.identifiers.models import Identifier

    rows = Identifier.objects.filter(id__gt=mark)
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    return (
        rows.order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day", template_id=F("template_version__template_id"))
        .annotate(count=Count("id"))
    )


def registrations(*, enterprise=None, days: int = REGISTRATION_DAYS) -> dict[str, Any]:
    """Identifiers registered per day over ``days`` days (park time, today included), in total,
    this month, and by template."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    month_start = today.replace(day=1)
    mark = _registration_mark()
    summary = RegistrationDay.objects.all()
    if enterprise is not None:
        summary = summary.filter(enterprise=enterprise)
    per_day: dict[dt.date, int] = dict(
        summary.filter(day__gte=min(start, month_start))
        .order_by()
        .values_list("day")
        .annotate(n=Sum("count"))
    )
    total = summary.aggregate(n=Sum("count"))["n"] or 0
    by_template: dict[int, int] = {}
    if enterprise is not None:
        by_template = dict(summary.order_by().values_list("template_id").annotate(n=Sum("count")))
    for row in _registration_tail(mark, enterprise=enterprise):
        per_day[row["day"]] = per_day.get(row["day"], 0) + row["count"]
        total += row["count"]
        by_template[row["template_id"]] = by_template.get(row["template_id"], 0) + row["count"]
    day_list = [start + dt.timedelta(days=i) for i in range(days)]
    out = {
        "days": day_list,
        "counts": [int(per_day.get(day, 0)) for day in day_list],
        "total": int(total),
        "this_month": int(sum(n for day, n in per_day.items() if day >= month_start)),
        "window": _("近 %(n)d 天（%(start)s 至 %(end)s）") % {"n": days, "start": start, "end": today},
    }
    if enterprise is not None:
        from apps.metadata.models import MetadataTemplate

        names = dict(MetadataTemplate.objects.filter(pk__in=by_template).values_list("pk", "name"))
        out["by_template"] = sorted(
            ((names.get(pk, str(pk)), int(n)) for pk, n in by_template.items() if n),
            key=lambda pair: -pair[1],
        )
    return out


# -------------------------------------------------------------------------------- resolution
def _stat_table() -> str:
    from apps.resolution.models import ResolutionStat

    return ResolutionStat._meta.db_table


def resolutions(*, enterprise=None, hours: int = RESOLUTION_HOURS) -> dict[str, Any]:
    """Resolutions per hour over the last ``hours`` hours (the hourly rows the counters are
    flushed into), their p50/p99 latency and not-found share, and the most resolved prefixes.
    Two queries over ResolutionStat's hour index; the latency buckets are summed in SQL."""
    from apps.resolution import counters

    now = timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    start = end - dt.timedelta(hours=hours)
    where = "hour >= %s AND hour < %s"
    params: list[Any] = [start, end]
    if enterprise is not None:
        where += " AND enterprise_id = %s"
        params.append(enterprise.pk)
    table = _stat_table()
    size = len(counters.LATENCY_BUCKETS_MS) + 1
    # One pass: per hour the count, the not-found count and each latency bucket summed by its
    # position in the stored array (no unnesting of 24 × prefixes arrays).
    bucket_sums = ", ".join(f"sum((latency_buckets->>{i})::bigint)" for i in range(size))
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f'SELECT hour, sum(count), sum(not_found), {bucket_sums} FROM "{table}" WHERE {where} GROUP BY hour',
            params,
        )
        per_hour: dict[dt.datetime, tuple[int, int]] = {}
        buckets = [0] * size
        for row in cursor.fetchall():
            per_hour[row[0]] = (int(row[1]), int(row[2]))
            for i, n in enumerate(row[3:]):
                buckets[i] += int(n or 0)
        top: list[tuple[str, int]] = []
        if enterprise is None:
            cursor.execute(
                f'SELECT prefix, sum(count) AS n FROM "{table}" WHERE {where} '
                "GROUP BY prefix ORDER BY n DESC, prefix LIMIT %s",
                [*params, TOP_PREFIXES],
            )
            top = [(row[0], int(row[1])) for row in cursor.fetchall()]
    hour_list = [start + dt.timedelta(hours=i) for i in range(hours)]
    counts = [per_hour.get(hour, (0, 0))[0] for hour in hour_list]
    total = sum(counts)
    not_found = sum(nf for _n, nf in per_hour.values())
    return {
        "hours": hour_list,
        "labels": [timezone.localtime(hour).strftime("%H") for hour in hour_list],
        "counts": counts,
        "total": total,
        "not_found": not_found,
        "not_found_percent": round(100 * not_found / total, 1) if total else None,
        "p50_ms": counters.percentile(buckets, 0.5),
        "p99_ms": counters.percentile(buckets, 0.99),
        "top_prefixes": top,
        "window": _("近 %(n)d 小时（%(start)s 至 %(end)s）")
        % {
            "n": hours,
            "start": timezone.localtime(start).strftime("%m-%d %H:00"),
            "end": timezone.localtime(end).strftime("%m-%d %H:00"),
        },
    }


def resolution_total(*, enterprise, days: int = 30) -> int:
    from apps.resolution.models import ResolutionStat

    since = timezone.now() - dt.timedelta(days=days)
    return int(
        ResolutionStat.objects.filter(enterprise=enterprise, hour__gte=since).aggregate(n=Sum("count"))["n"]
        or 0
    )


# ---------------------------------------------------------------------------------- the park
def enterprises_by_state() -> list[tuple[str, int]]:
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    counts = dict(
        Enterprise.objects.filter(is_park_operator=False)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return [(str(label), int(counts.get(value, 0))) for value, label in EnterpriseStatus.choices]


def sync_state() -> dict[str, Any]:
    """Backlog (rows waiting to be sent, the (status, id) index: the outbox keeps every sent
    row) and the upstream link's last success."""
    from apps.sync.models import OutboxEntry, OutboxStatus, UpstreamLink

    backlog = OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count()
    last_sent = UpstreamLink.objects.order_by("pk").values_list("last_success_at", flat=True).first()
    oldest = (
        OutboxEntry.objects.filter(status=OutboxStatus.PENDING)
        .order_by("id")
        .values_list("created_at", flat=True)
        .first()
    )
    return {"backlog": backlog, "last_sent_at": last_sent, "oldest_pending_at": oldest}


def build_cases_by_stage() -> dict[str, Any]:
    from apps.buildcases.choices import CaseStatus, Stage
    from apps.buildcases.models import BuildCase

    rows = BuildCase.objects.order_by().values_list("status", "stage").annotate(n=Count("id"))
    active: dict[str, int] = {}
    completed = 0
    for status, stage, n in rows:
        if status == CaseStatus.COMPLETED:
            completed += n
        else:
            active[stage] = active.get(stage, 0) + n
    return {
        "stages": [(str(label), active.get(value, 0)) for value, label in Stage.choices],
        "completed": completed,
    }


def audit_last_verified() -> dict[str, Any] | None:
    """The last run of the chain check (task audit.verify_chain): when, and what it found."""
    from apps.tasks.choices import TaskState
    from apps.tasks.models import TaskRun

    run = (
        TaskRun.objects.filter(task_name="audit.verify_chain", state=TaskState.SUCCEEDED)
        .order_by("-id")
        .only("finished_at", "result")
        .first()
    )
    if run is None:
        return None
    return {
        "at": run.finished_at,
        "ok": bool((run.result or {}).get("ok")),
        "checked": (run.result or {}).get("checked"),
    }


@replica_reads()
def park_figures() -> dict[str, Any]:
    return {
        "enterprises": enterprises_by_state(),
        "registrations": registrations(),
        "resolutions": resolutions(),
        "sync": sync_state(),
        "build_cases": build_cases_by_stage(),
        "audit": audit_last_verified(),
    }


# ----------------------------------------------------------------------------- an enterprise
@replica_reads()
def enterprise_todo(*, user, enterprise) -> list[dict[str, Any]]:
    from apps.accounts.models import Membership
    from apps.imports.choices import ImportState
    from apps.imports.models import ImportJob
    from apps.metadata.choices import ChangeRequestStatus
    from apps.metadata.models import TemplateChangeRequest
    from apps.terminals.choices import AlertKind, CredentialState

    role = Membership.objects.filter(user=user, enterprise=enterprise).values_list("role", flat=True).first()
    if role is None and not user.is_superuser:
        return []
    items = [
        _todo(
            "change_requests_rejected",
            _("被驳回的模板变更申请"),
            TemplateChangeRequest.objects.filter(
                enterprise=enterprise, status=ChangeRequestStatus.REJECTED
            ).count(),
            _url("metadata:change_request_list", f"status={ChangeRequestStatus.REJECTED}"),
        ),
        _todo(
            "imports_validated",
            _("待确认的导入任务"),
            ImportJob.objects.filter(state=ImportState.VALIDATED).count(),
            _url("imports:job_list", f"state={ImportState.VALIDATED}"),
        ),
    ]
    from apps.terminals.models import TerminalCredential
    from apps.terminals.selectors import EXPIRY_WARNING

    items.append(
        _todo(
            "credentials_expiring",
            _("即将到期的终端凭证"),
            TerminalCredential.objects.filter(
                terminal__enterprise=enterprise,
                state=CredentialState.ACTIVE,
                not_after__lte=timezone.now() + EXPIRY_WARNING,
            )
            .values("terminal_id")
            .distinct()
            .count(),
            _url("terminals:list", f"alert={AlertKind.EXPIRING}", "alerts"),
        )
    )
    from apps.billing.permissions import ENTERPRISE_ROLES

    if role in ENTERPRISE_ROLES:
        from apps.billing.dashboard import open_bills_of

        items.append(
            _todo("bills_due", _("待付款的账单"), open_bills_of(enterprise).count(), _url("billing:home"))
        )
    return items


@replica_reads()
def enterprise_figures(*, enterprise) -> dict[str, Any]:
    from apps.accounts.models import Membership
    from apps.identifiers.models import IdentifierGrant, Prefix
    from apps.imports.choices import ImportState
    from apps.imports.models import ImportJob

    running = (
        ImportJob.objects.filter(
            state__in=[ImportState.UPLOADED, ImportState.VALIDATING, ImportState.APPLYING]
        )
        .select_related("validate_run", "apply_run")
        .order_by("-id")[:10]
    )
    imports = []
    for job in running:
        run = job.apply_run if job.state == ImportState.APPLYING else job.validate_run
        imports.append(
            {
                "pk": job.pk,
                "name": job.original_name,
                "state": job.get_state_display(),
                "progress": run.progress if run else 0,
                "run_id": run.pk if run else None,
            }
        )
    member_ids = Membership.objects.filter(enterprise=enterprise).values("user_id")
    return {
        "registrations": registrations(enterprise=enterprise),
        "resolutions": resolutions(enterprise=enterprise),
        "resolutions_30d": resolution_total(enterprise=enterprise, days=30),
        "imports": imports,
        "prefixes": list(Prefix.objects.filter(enterprise=enterprise).order_by("prefix")[:20]),
        "grants_given": IdentifierGrant.objects.filter(enterprise=enterprise).count(),
        "grants_received": IdentifierGrant.objects.filter(grantee_id__in=member_ids)
        .exclude(enterprise=enterprise)
        .count(),
        "members": Membership.objects.filter(enterprise=enterprise).aggregate(
            total=Count("id"), admins=Count("id", filter=Q(role="enterprise_admin"))
        ),
    }


# ------------------------------------------------------------------------------------ search
SEARCH_LIMIT = 20


def search(*, user, q: str, enterprise=None, limit: int = SEARCH_LIMIT) -> dict[str, list[dict[str, Any]]]:
    """Objects matching ``q``: identifiers by handle or object code, enterprises by name, code
    or credit code. Park staff see the whole park; anyone else only the enterprises they are a
    member of (on an enterprise domain: that enterprise only) and their identifiers. Exact
    matches use the registry's indexes (handle_ci, the enterprise's unique credit code); a
    name is matched as a substring."""
    from apps.accounts.models import Membership
    from apps.identifiers.models import Identifier
    from apps.tenants.models import Enterprise

    q = (q or "").strip()[:255]
    if not q or not user.is_authenticated:
        return {"identifiers": [], "enterprises": []}
    enterprises = Enterprise.objects.filter(is_park_operator=False)
    identifiers = Identifier.objects.select_related("enterprise")
    if enterprise is not None:
        enterprises = enterprises.filter(pk=enterprise.pk)
        identifiers = identifiers.filter(enterprise=enterprise)
    if not user.is_park_staff or enterprise is not None:
        own = Membership.objects.filter(user=user).values("enterprise_id")
        enterprises = enterprises.filter(pk__in=own)
        identifiers = identifiers.filter(enterprise_id__in=own)
    folded = q.lower()
    if "/" in q:
        identifier_match = Q(handle_ci=folded)
    else:
        identifier_match = Q(object_code=q)
    found_identifiers = [
        {
            "handle": row.handle,
            "name": row.name,
            "object_code": row.object_code,
            "enterprise": row.enterprise.name,
            "status": row.get_status_display(),
            "url": reverse("identifiers:detail", args=[row.pk]),
        }
        for row in identifiers.filter(identifier_match).order_by("handle_ci")[:limit]
    ]
    found_enterprises = [
        {
            "name": row.name,
            "code": row.code,
            "credit_code": row.credit_code,
            "status": row.get_status_display(),
            "url": reverse("tenants:enterprise_detail", args=[row.pk]) if user.is_park_staff else "/",
        }
        for row in enterprises.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__iexact=q) | Q(credit_code=q.upper())
        ).order_by("name")[:limit]
    ]
    return {"identifiers": found_identifiers, "enterprises": found_enterprises}
