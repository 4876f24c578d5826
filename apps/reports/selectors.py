"""Figures for the reports, each section one or two SQL aggregates (a report over a million
identifiers must not loop over rows in Python).

A ``Scope`` is a period (dates, both inclusive, in the park's time zone) and optionally one
enterprise. "In the period" counts what happened between its start and end; "cumulative"
counts everything that existed at its end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.replicas import read_alias, replica_reads
from apps.identifiers.choices import IdentifierStatus
from apps.identifiers.models import Identifier, Prefix
from apps.metadata.choices import Grade, ObjectCategory
from apps.metadata.models import TemplateVersion
from apps.reports.models import Report, ServiceEvent
from apps.reports.sections import registered as registered_sections
from apps.sync.models import OutboxEntry, OutboxStatus
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Enterprise, Park

# How many rows of the long lists a report prints; beyond that it says "显示 N 条，共 M 条".
PREFIXES_SHOWN = 50
SYNC_ERRORS_SHOWN = 10
CASES_SHOWN = 200
DECISIONS_SHOWN = 20


@dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date
    enterprise: Enterprise | None = None

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """Exclusive end: midnight after the last day."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    @property
    def hours(self) -> float:
        return (self.until - self.since).total_seconds() / 3600


# ---------------------------------------------------------------- park and enterprises


def park_profile() -> dict[str, Any]:
    park = Park.objects.select_related("operator").order_by("pk").first()
    if park is None:
        return {"name": _("（未设置园区）"), "prefix_root": "", "node_mode": "", "domain": ""}
    return {
        "name": park.name,
        "park_code": park.park_code,
        "prefix_root": park.prefix_root,
        "node_mode": park.get_node_mode_display(),
        "domain": park.domain,
        "operator": park.operator.name if park.operator_id else "",
        "operator_credit_code": park.operator.credit_code if park.operator_id else "",
        "since": park.created_at,
    }


def enterprise_section(scope: Scope) -> dict[str, Any]:
    qs = Enterprise.objects.filter(is_park_operator=False, created_at__lt=scope.until)
    if scope.enterprise is not None:
        qs = qs.filter(pk=scope.enterprise.pk)
    labels = dict(EnterpriseStatus.choices)
    by_status = [
        {"status": row["status"], "label": str(labels.get(row["status"], row["status"])), "count": row["n"]}
        for row in qs.values("status").annotate(n=Count("id")).order_by("-n", "status")
    ]
    by_industry = [
        {
            "industry": row["industry_code"] or _("未填写"),
            "total": row["n"],
            "active": row["active"],
        }
        for row in qs.values("industry_code")
        .annotate(n=Count("id"), active=Count("id", filter=Q(status=EnterpriseStatus.ACTIVE)))
        .order_by("-n", "industry_code")
    ]
    totals = qs.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=EnterpriseStatus.ACTIVE)),
        joined=Count("id", filter=Q(approved_at__gte=scope.since, approved_at__lt=scope.until)),
    )
    return {"by_status": by_status, "by_industry": by_industry, **totals}


# ---------------------------------------------------------------- identifiers


def _identifiers(scope: Scope):
    qs = Identifier.objects.filter(created_at__lt=scope.until)
    if scope.enterprise is not None:
        qs = qs.filter(enterprise=scope.enterprise)
    return qs


def identifier_section(scope: Scope) -> dict[str, Any]:
    qs = _identifiers(scope)
    in_period = Q(created_at__gte=scope.since)
    active = Q(status=IdentifierStatus.ACTIVE) | Q(withdrawn_at__gte=scope.until)
    labels = dict(ObjectCategory.choices)
    by_category = [
        {
            "category": row["category"],
            "label": str(labels.get(row["category"], row["category"])),
            "period": row["period"],
            "total": row["total"],
        }
        for row in qs.values("category")
        .annotate(period=Count("id", filter=in_period), total=Count("id", filter=active))
        .order_by("-total", "category")
    ]
    by_enterprise = [
        {
            "name": row["enterprise__short_name"] or row["enterprise__name"],
            "code": row["enterprise__code"],
            "period": row["period"],
            "total": row["total"],
        }
        for row in qs.values(
            "enterprise_id", "enterprise__name", "enterprise__short_name", "enterprise__code"
        )
        .annotate(period=Count("id", filter=in_period), total=Count("id", filter=active))
        .order_by("-total", "enterprise__code")
    ]
    totals = qs.aggregate(
        period=Count("id", filter=in_period),
        total=Count("id", filter=active),
        withdrawn_period=Count("id", filter=Q(withdrawn_at__gte=scope.since, withdrawn_at__lt=scope.until)),
    )
    prefixes = Prefix.objects.filter(created_at__lt=scope.until)
    if scope.enterprise is not None:
        prefixes = prefixes.filter(enterprise=scope.enterprise)
    prefix_rows = list(prefixes.order_by("prefix").values_list("prefix", flat=True)[:PREFIXES_SHOWN])
    return {
        "by_category": by_category,
        "by_enterprise": by_enterprise,
        "prefixes": prefix_rows,
        "prefix_count": prefixes.count(),
        **totals,
    }


def _active_items(version_items: list) -> list[dict]:
    return [
        item
        for item in version_items or []
        if isinstance(item, dict) and item.get("state", "enabled") != "disabled"
    ]


def _stored_in_registry(item: dict) -> bool:
    # Public 一级 values are the ones kept in the shared registry (DESIGN: data grading).
    return bool(item.get("is_public", True)) and int(item.get("grade") or Grade.G1) == Grade.G1


# An item entry of ``values`` whose value is empty: missing, null, "" or [] (a non-empty list,
# a number, a boolean, an object or a non-empty string is a value). A jsonpath predicate, used
# by coverage (none empty) and by grading (count the others).
_EMPTY_VALUE = (
    '(!exists(@.data.value) || @.data.value.type() == "null"'
    ' || (@.data.value.type() == "string" && @.data.value == "")'
    ' || (@.data.value.type() == "array" && @.data.value.size() == 0))'
)


def _none_empty(indexes: list[int]):
    """True where no value of the given item indexes is empty (_EMPTY_VALUE)."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    which = " || ".join(f"@.index == {int(index)}" for index in indexes)
    path = f"$[*] ? (({which}) && {_EMPTY_VALUE})"
    column = f'"{Identifier._meta.db_table}"."values"'
    return RawSQL(f"NOT coalesce({column} @? %s::jsonpath, false)", [path], output_field=BooleanField())


def template_coverage(scope: Scope) -> dict[str, Any]:
    """Share of identifiers (active at the period's end) whose required items are all filled.

    Checked in SQL, one condition per template version in use: every required registry item
    present in ``values`` (jsonb containment) and none of them empty — missing, null, "" or []
    (a jsonpath test). Required items of higher grades
    live in the enterprise schemas and are enforced by registration itself."""
    qs = _identifiers(scope).filter(Q(status=IdentifierStatus.ACTIVE) | Q(withdrawn_at__gte=scope.until))
    version_ids = list(qs.order_by().values_list("template_version_id", flat=True).distinct())
    if not version_ids:
        return {"total": 0, "complete": 0, "share": None, "versions": 0, "required_items": 0}
    filled = Q(pk__in=[])
    required_total = 0
    for version_id, items in TemplateVersion.objects.filter(pk__in=version_ids).values_list(
        "pk", "effective_items"
    ):
        required = [
            int(item["index"])
            for item in _active_items(items)
            if item.get("required") and item.get("index") is not None and _stored_in_registry(item)
        ]
        required_total += len(required)
        condition = Q(template_version_id=version_id)
        if required:
            condition &= Q(values__contains=[{"index": index} for index in required]) & Q(
                _none_empty(required)
            )
        filled |= condition
    counts = qs.aggregate(total=Count("id"), complete=Count("id", filter=filled))
    share = counts["complete"] / counts["total"] if counts["total"] else None
    return {**counts, "share": share, "versions": len(version_ids), "required_items": required_total}


# A stored value counts when it holds something: not missing, null, "" or [] (as in coverage).
_FILLED_SQL = (
    "coalesce({v}->'data'->'value', 'null'::jsonb) NOT IN ('null'::jsonb, '\"\"'::jsonb, '[]'::jsonb)"
)


# The same for the registry's values, as one jsonpath over a row: the item entries (index from
# the first item index on) whose value is not empty.
_FILLED_ITEMS_PATH = "$[*] ? (@.index >= %d && !" + _EMPTY_VALUE + ")"


def _grade_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    total = sum(counts.values())
    return [
        {
            "grade": str(value),
            "label": str(label),
            "count": counts.get(str(value), 0),
            "share": counts.get(str(value), 0) / total if total else None,
        }
        for value, label in Grade.choices
    ]


def _published_items_by_grade(scope: Scope) -> tuple[int, dict[str, int]]:
    """(templates, {grade: enabled items}) over the current published version of every
    template published by the period's end (the enterprise's own and the park's for an
    enterprise report)."""
    where = "tv.status = 'published' AND coalesce(tv.published_at, tv.created_at) < %s"
    params: list[Any] = [scope.until]
    if scope.enterprise is not None:
        where += " AND (t.owner_id = %s OR t.owner_id IS NULL)"
        params.append(scope.enterprise.pk)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f"""
            WITH current AS (
                SELECT DISTINCT ON (tv.template_id) tv.id, tv.effective_items
                FROM metadata_templateversion tv
                JOIN metadata_metadatatemplate t ON t.id = tv.template_id
                WHERE {where}
                ORDER BY tv.template_id, tv.number DESC
            )
            SELECT (SELECT count(*) FROM current), item->>'grade', count(item)
            FROM current
            LEFT JOIN LATERAL jsonb_array_elements(
                CASE WHEN jsonb_typeof(current.effective_items) = 'array'
                     THEN current.effective_items ELSE '[]'::jsonb END
            ) item ON coalesce(item->>'state', 'enabled') <> 'disabled'
            GROUP BY 2
            """,
            params,
        )
        rows = cursor.fetchall()
    templates = rows[0][0] if rows else 0
    return templates, {grade: count for _t, grade, count in rows if count}


_SCHEMAS_PER_QUERY = 500


def _stored_values_by_grade(scope: Scope) -> dict[str, int]:
    """{grade: filled values} of the identifiers active at the period's end: the registry's
    public item values (一级 by design: only public 一级 items are kept there; the template id
    and version entries below the first item index are not items) and the restricted values in
    each enterprise's own data schema, which carry their item's grade. One query."""
    from django_tenants.utils import get_public_schema_name

    from apps.enterprise_data.models import RestrictedValues
    from apps.enterprise_data.services import data_schema_name
    from apps.metadata.models import FIRST_ITEM_INDEX

    public = get_public_schema_name()
    identifier_table = f'"{public}"."{Identifier._meta.db_table}"'
    active = "i.created_at < %s AND (i.status = %s OR i.withdrawn_at >= %s)"
    active_params = [scope.until, IdentifierStatus.ACTIVE, scope.until]
    # Only the data schemas of enterprises owning an identifier active at the period's end can
    # count (the join below needs one): a park of 10,000 schemas is not read schema by schema,
    # and the tables are found in pg_class (information_schema scans the whole catalog).
    owners = (
        Identifier.objects.filter(created_at__lt=scope.until)
        .filter(Q(status=IdentifierStatus.ACTIVE) | Q(withdrawn_at__gte=scope.until))
        .values("enterprise_id")
    )
    enterprises = Enterprise.objects.filter(pk__in=owners)
    if scope.enterprise is not None:
        enterprises = enterprises.filter(pk=scope.enterprise.pk)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %s AND c.relkind = 'r'",
            [RestrictedValues._meta.db_table],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        schemas = [
            (enterprise.pk, data_schema_name(enterprise))
            for enterprise in enterprises.only("pk", "schema_name")
            if data_schema_name(enterprise) in with_table
        ]
        # the registry's item values counted per row by one jsonpath (no row per value: this
        # scans every active identifier)
        parts = [
            f"""SELECT '1' AS grade,
                    coalesce(sum(jsonb_array_length(jsonb_path_query_array(i.values, %s::jsonpath))), 0) AS n
                FROM {identifier_table} i WHERE {active}"""
            + (" AND i.enterprise_id = %s" if scope.enterprise is not None else "")
        ]
        params: list[Any] = [_FILLED_ITEMS_PATH % int(FIRST_ITEM_INDEX), *active_params]
        if scope.enterprise is not None:
            params.append(scope.enterprise.pk)
        totals: dict[str, int] = {}
        # a few hundred schemas per statement: one UNION of thousands exceeds PostgreSQL's stack
        for start in range(0, max(1, len(schemas)), _SCHEMAS_PER_QUERY):
            for pk, schema in schemas[start : start + _SCHEMAS_PER_QUERY]:
                parts.append(
                    f"""SELECT coalesce(v->>'grade', ''), count(*)
                    FROM "{schema}"."{RestrictedValues._meta.db_table}" r
                    JOIN {identifier_table} i ON i.id = r.identifier_id AND i.enterprise_id = %s
                    CROSS JOIN LATERAL jsonb_array_elements(
                        CASE WHEN jsonb_typeof(r.values) = 'array' THEN r.values ELSE '[]'::jsonb END
                    ) v
                    WHERE {active} AND {_FILLED_SQL.format(v="v")}
                    GROUP BY 1"""
                )
                params += [pk, *active_params]
            cursor.execute(
                f"SELECT grade, sum(n) FROM ({' UNION ALL '.join(parts)}) values_by_grade(grade, n) GROUP BY 1",
                params,
            )
            for grade, count in cursor.fetchall():
                totals[grade] = totals.get(grade, 0) + int(count or 0)
            parts, params = [], []
        return {grade: count for grade, count in totals.items() if count}


def grading_coverage(scope: Scope) -> dict[str, Any]:
    """数据分级: the grades of the enabled items of the published templates (一级/二级/三级,
    counts and shares) and of the values stored for the active identifiers.

    Every template item must carry a grade by design (the template editor requires one), so the
    share of graded items is 100% unless a template was written around the editor; it is
    printed as such, and the distributions are what tells an evaluator something."""
    templates, items = _published_items_by_grade(scope)
    values = _stored_values_by_grade(scope)
    known = {str(value) for value, _label in Grade.choices}
    total_items = sum(items.values())
    graded = sum(count for grade, count in items.items() if grade in known)
    return {
        "templates": templates,
        "items": total_items,
        "graded": graded,
        "share": graded / total_items if total_items else None,
        "by_grade": [
            {**row, "values": value_row["count"], "values_share": value_row["share"]}
            for row, value_row in zip(_grade_rows(items), _grade_rows(values), strict=True)
        ],
        "values": sum(values.values()),
    }


# ---------------------------------------------------------------- resolution


def _table_exists(model) -> bool:
    # Optional apps land their tables during development; a report must not fail meanwhile.
    return model._meta.db_table in connection.introspection.table_names()


def _resolution_stats_model():
    """The hourly resolution statistics (resolution app), or None while it has no table."""
    from django.apps import apps as django_apps

    try:
        model = django_apps.get_model("resolution", "ResolutionStat")
    except LookupError:
        return None
    return model if _table_exists(model) else None


def availability_detail(scope: Scope, events: list[dict] | None = None) -> dict[str, Any]:
    """Share of the period the node served, from two sources: the recorded service
    interruptions (ServiceEvent with service_interrupted, minutes against the period) and,
    when the build cases' monitoring probed the node in the period, the share of successful
    probes. The lower of the two is the figure; ``basis`` says which ("events" or "probes").
    An enterprise's report counts the probes of the park's node and of its own cases."""
    from apps.buildcases.models import MonitoringSnapshot

    events = service_events(scope) if events is None else events
    down = sum(event["minutes"] for event in events if event["service_interrupted"])
    total = scope.hours * 60
    events_share = max(0.0, (total - down) / total) if total else 1.0
    snapshots = MonitoringSnapshot.objects.filter(taken_at__gte=scope.since, taken_at__lt=scope.until)
    if scope.enterprise is not None:
        snapshots = snapshots.filter(Q(case__enterprise__isnull=True) | Q(case__enterprise=scope.enterprise))
    probes = snapshots.aggregate(total=Count("id"), ok=Count("id", filter=Q(probe_ok=True)))
    probe_share = probes["ok"] / probes["total"] if probes["total"] else None
    by_probes = probe_share is not None and probe_share < events_share
    return {
        "value": probe_share if by_probes else events_share,
        "basis": "probes" if by_probes else "events",
        "events_share": events_share,
        "downtime_minutes": down,
        "probe_share": probe_share,
        "probes": probes["total"],
        "probes_ok": probes["ok"],
    }


def availability(scope: Scope, events: list[dict] | None = None) -> float:
    """The availability figure of the period (see availability_detail)."""
    return availability_detail(scope, events)["value"]


def resolution_section(scope: Scope) -> dict[str, Any]:
    """Volume, p50/p99 latency (from the summed hourly latency histograms, in SQL), the share
    answered, and a daily series for the chart."""
    figures: dict[str, Any] = {
        "available": False,
        "total": 0,
        "not_found": 0,
        "found": 0,
        "p50": None,
        "p99": None,
    }
    figures["daily"] = []
    model = _resolution_stats_model()
    if model is None:
        return figures
    from django.db.models import Sum
    from django.db.models.functions import TruncDate

    from apps.resolution.counters import percentile

    qs = model.objects.filter(hour__gte=scope.since, hour__lt=scope.until)
    if scope.enterprise is not None:
        qs = qs.filter(enterprise=scope.enterprise)
    totals = qs.aggregate(total=Sum("count"), not_found=Sum("not_found"), rows=Count("id"))
    figures["available"] = True
    figures["total"] = totals["total"] or 0
    figures["not_found"] = totals["not_found"] or 0
    figures["found"] = figures["total"] - figures["not_found"]
    figures["found_share"] = figures["found"] / figures["total"] if figures["total"] else None
    if not totals["rows"]:
        return figures
    params: list[Any] = [scope.since, scope.until]
    where = "hour >= %s AND hour < %s"
    if scope.enterprise is not None:
        where += " AND enterprise_id = %s"
        params.append(scope.enterprise.pk)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT b.ord, sum(b.n::bigint)
            FROM {model._meta.db_table} s
            CROSS JOIN LATERAL jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(s.latency_buckets) = 'array' THEN s.latency_buckets ELSE '[]'::jsonb END
            ) WITH ORDINALITY AS b(n, ord)
            WHERE {where}
            GROUP BY b.ord ORDER BY b.ord
            """,
            params,
        )
        rows = cursor.fetchall()
    buckets = [0] * (max((int(ordinal) for ordinal, _n in rows), default=0))
    for ordinal, count in rows:
        buckets[int(ordinal) - 1] = int(count)
    figures["p50"] = percentile(buckets, 0.50)
    figures["p99"] = percentile(buckets, 0.99)
    figures["daily"] = [
        (row["day"], row["n"] or 0)
        for row in qs.annotate(day=TruncDate("hour")).values("day").annotate(n=Sum("count")).order_by("day")
    ]
    return figures


# ---------------------------------------------------------------- sync


def sync_section(scope: Scope) -> dict[str, Any]:
    qs = OutboxEntry.objects.all()
    if scope.enterprise is not None:
        prefixes = list(Prefix.objects.filter(enterprise=scope.enterprise).values_list("prefix", flat=True))
        qs = qs.filter(Q(identifier__enterprise=scope.enterprise) | Q(handle__in=prefixes))
    in_period = Q(created_at__gte=scope.since, created_at__lt=scope.until)
    sent_in_period = Q(sent_at__gte=scope.since, sent_at__lt=scope.until)
    figures = qs.aggregate(
        queued=Count("id", filter=in_period),
        sent=Count("id", filter=sent_in_period),
        pending=Count("id", filter=Q(status=OutboxStatus.PENDING)),
        failed=Count("id", filter=Q(status__in=[OutboxStatus.FAILED, OutboxStatus.STOPPED])),
        errors_total=Count(
            "id", filter=Q(status__in=[OutboxStatus.FAILED, OutboxStatus.STOPPED]) & ~Q(last_error="")
        ),
        oldest_pending=Min("created_at", filter=Q(status=OutboxStatus.PENDING)),
    )
    lag = qs.filter(sent_in_period).aggregate(avg=Avg(_lag()), worst=Max(_lag()))
    figures["lag_avg_seconds"] = lag["avg"].total_seconds() if lag["avg"] is not None else None
    figures["lag_max_seconds"] = lag["worst"].total_seconds() if lag["worst"] is not None else None
    oldest = figures.pop("oldest_pending")
    figures["backlog_seconds"] = (timezone.now() - oldest).total_seconds() if oldest else 0
    figures["recent_errors"] = list(
        qs.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.STOPPED])
        .exclude(last_error="")
        .order_by("-id")
        .values("handle", "last_error", "attempts")[:SYNC_ERRORS_SHOWN]
    )
    return figures


def _lag():
    from django.db.models import DurationField, ExpressionWrapper, F

    return ExpressionWrapper(F("sent_at") - F("created_at"), output_field=DurationField())


# ---------------------------------------------------------------- build cases


def buildcase_section(scope: Scope) -> dict[str, Any]:
    """Build cases (guide 四 实施流程) at the period's end: how many per stage and build mode,
    each case's required checklist items done, and the stage decisions of the period. A few
    grouped queries; the case list is capped."""
    from django.db.models import F

    from apps.buildcases.choices import (
        STAGE_ORDER,
        BuildMode,
        CaseStatus,
        Decision,
        EventKind,
        ItemState,
        Stage,
    )
    from apps.buildcases.models import BuildCase, CaseEvent, StageDecision

    cases = BuildCase.objects.filter(created_at__lt=scope.until)
    if scope.enterprise is not None:
        cases = cases.filter(enterprise=scope.enterprise)
    totals = cases.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=CaseStatus.ACTIVE)),
        completed=Count("id", filter=Q(status=CaseStatus.COMPLETED)),
        completed_period=Count("id", filter=Q(completed_at__gte=scope.since, completed_at__lt=scope.until)),
    )
    stage_labels = dict(Stage.choices)
    mode_labels = dict(BuildMode.choices)
    grid: dict[tuple[str, str], int] = {
        (row["stage"], row["mode"]): row["n"]
        for row in cases.values("stage", "mode").annotate(n=Count("id")).order_by()
    }
    modes = [mode for mode in mode_labels if any(m == mode for _s, m in grid)]
    by_stage = [
        {
            "stage": str(stage_labels[stage]),
            "code": stage,
            "count": sum(n for (s, _m), n in grid.items() if s == stage),
            "by_mode": [grid.get((stage, mode), 0) for mode in modes],
        }
        for stage in STAGE_ORDER
    ]
    by_mode = [
        {
            "mode": mode,
            "label": str(mode_labels[mode]),
            "count": sum(n for (_s, m), n in grid.items() if m == mode),
        }
        for mode in modes
    ]

    required = Q(items__required=True)
    current = required & Q(items__stage=F("stage"))
    done = Q(items__state=ItemState.DONE)
    rows = (
        cases.annotate(
            required_total=Count("items", filter=required),
            required_done=Count("items", filter=required & done),
            stage_required=Count("items", filter=current),
            stage_done=Count("items", filter=current & done),
        )
        .values(
            "id", "title", "mode", "stage", "status", "started_on", "target_date", "stage_entered_at",
            "enterprise__name", "required_total", "required_done", "stage_required", "stage_done",
        )
        .order_by("status", "-stage_entered_at", "id")[:CASES_SHOWN]
    )  # fmt: skip
    status_labels = dict(CaseStatus.choices)
    case_rows = [
        {
            "title": row["title"],
            "subject": row["enterprise__name"] or str(_("园区")),
            "mode": str(mode_labels.get(row["mode"], row["mode"])),
            "stage": str(stage_labels.get(row["stage"], row["stage"])),
            "status": str(status_labels.get(row["status"], row["status"])),
            "completed": row["status"] == CaseStatus.COMPLETED,
            "started_on": row["started_on"],
            "target_date": row["target_date"],
            "stage_entered_at": row["stage_entered_at"],
            "required_total": row["required_total"],
            "required_done": row["required_done"],
            "stage_required": row["stage_required"],
            "stage_done": row["stage_done"],
        }
        for row in rows
    ]
    items = cases.aggregate(
        required_total=Count("items", filter=required), required_done=Count("items", filter=required & done)
    )

    decisions_qs = StageDecision.objects.filter(
        case__in=cases, decided_at__gte=scope.since, decided_at__lt=scope.until
    )
    decision_counts = decisions_qs.aggregate(
        approved=Count("id", filter=Q(decision=Decision.APPROVED)),
        sent_back=Count("id", filter=Q(decision=Decision.SENT_BACK)),
        total=Count("id"),
    )
    decision_labels = dict(Decision.choices)
    decisions = [
        {
            "case": row["case__title"],
            "stage": str(stage_labels.get(row["stage"], row["stage"])),
            "to_stage": str(stage_labels.get(row["to_stage"], "")) if row["to_stage"] else str(_("案例完成")),
            "decision": str(decision_labels.get(row["decision"], row["decision"])),
            "approved": row["decision"] == Decision.APPROVED,
            "reason": row["reason"],
            "by": row["decided_by__username"] or "",
            "at": row["decided_at"],
        }
        for row in decisions_qs.values(
            "case__title", "stage", "to_stage", "decision", "reason", "decided_by__username", "decided_at"
        ).order_by("-decided_at", "-id")[:DECISIONS_SHOWN]
    ]
    alerts = CaseEvent.objects.filter(
        case__in=cases, kind=EventKind.ALERT, created_at__gte=scope.since, created_at__lt=scope.until
    ).count()
    return {
        "available": True,
        **totals,
        "modes": [str(mode_labels[mode]) for mode in modes],
        "by_stage": by_stage,
        "by_mode": by_mode,
        "cases": case_rows,
        "items_required": items["required_total"],
        "items_done": items["required_done"],
        "items_share": items["required_done"] / items["required_total"] if items["required_total"] else None,
        "decisions": decisions,
        "decisions_approved": decision_counts["approved"],
        "decisions_sent_back": decision_counts["sent_back"],
        "decisions_total": decision_counts["total"],
        "alerts_period": alerts,
    }


# ---------------------------------------------------------------- security baseline


def _min_password_length() -> int | None:
    for validator in settings.AUTH_PASSWORD_VALIDATORS:
        if validator["NAME"].endswith("MinimumLengthValidator"):
            return int(validator.get("OPTIONS", {}).get("min_length", 8))
    return None


def security_baseline(*, full_audit: bool = False) -> dict[str, Any]:
    """The settings an MLPS assessor checks, and the audit chain verified now: incrementally
    from the last good checkpoint (``full_audit``: from the genesis), with the nightly full
    verification's result beside it; the chain counts as good only if both are."""
    from apps.audit.models import AuditEntry
    from apps.reports.auditchain import audit_chain_check

    names = [validator["NAME"].rsplit(".", 1)[-1] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    check = audit_chain_check(full=full_audit)
    checkpoint = check.checkpoint
    full_ok = checkpoint.full_ok if checkpoint is not None else None
    return {
        "password_min_length": _min_password_length(),
        "password_complexity": "ComplexityValidator" in names,
        "password_common_check": "CommonPasswordValidator" in names,
        "password_numeric_check": "NumericPasswordValidator" in names,
        "login_max_failures": getattr(settings, "LOGIN_MAX_FAILURES", None),
        "login_lockout_minutes": getattr(settings, "LOGIN_LOCKOUT_MINUTES", None),
        "session_idle_minutes": getattr(settings, "SESSION_IDLE_TIMEOUT_MINUTES", None),
        "https_only": bool(getattr(settings, "SECURE_SSL_REDIRECT", False)),
        "audit_ok": check.ok and full_ok is not False,
        "audit_mode": check.mode,
        "audit_checked": check.checked,
        "audit_from_id": check.from_id,
        "audit_total": AuditEntry.objects.count(),
        "audit_bad_id": check.bad_id
        if check.bad_id is not None
        else (checkpoint.full_bad_id if checkpoint else None),
        "audit_verified_at": timezone.now(),
        "audit_full_at": checkpoint.full_verified_at if checkpoint is not None else None,
        "audit_full_ok": full_ok,
        "audit_full_checked": checkpoint.full_checked if checkpoint is not None else 0,
    }


# ---------------------------------------------------------------- service events


def service_events(scope: Scope) -> list[dict[str, Any]]:
    rows = ServiceEvent.objects.filter(started_at__lt=scope.until).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=scope.since)
    )
    return [
        {
            "kind": event.kind,
            "kind_label": event.get_kind_display(),
            "title": event.title,
            "description": event.description,
            "started_at": event.started_at,
            "ended_at": event.ended_at,
            "service_interrupted": event.service_interrupted,
            "minutes": _overlap_minutes(event.started_at, event.ended_at, scope),
        }
        for event in rows.order_by("started_at")
    ]


def _overlap_minutes(start: dt.datetime, end: dt.datetime | None, scope: Scope) -> float:
    end = min(end or timezone.now(), scope.until)
    start = max(start, scope.since)
    return max(0.0, (end - start).total_seconds() / 60)


def report_list(*, enterprise: Enterprise | None = None, park: bool = True):
    qs = Report.objects.select_related("enterprise", "task_run", "created_by")
    if enterprise is not None:
        return qs.filter(enterprise=enterprise)
    return qs


@replica_reads()
def report_data(scope: Scope, *, verify_audit: bool = True) -> dict[str, Any]:
    """Every section of the evaluation report (park or one enterprise)."""
    events = service_events(scope)
    data = {
        "scope": scope,
        "park": park_profile(),
        "enterprise": scope.enterprise,
        "enterprises": enterprise_section(scope),
        "identifiers": identifier_section(scope),
        "coverage": template_coverage(scope),
        "grading": grading_coverage(scope),
        "resolution": resolution_section(scope),
        "availability": availability_detail(scope, events),
        "events": events,
        "sync": sync_section(scope),
        "buildcases": buildcase_section(scope),
        "security": security_baseline() if verify_audit else None,
        # sections the apps on top registered (apps.reports.sections): {key: figures}
        "extra": {
            section.key: section.figures(scope)
            for section in registered_sections(enterprise=scope.enterprise is not None)
        },
    }
    data["is_empty"] = not (
        data["identifiers"]["period"]
        or data["resolution"]["total"]
        or data["sync"]["queued"]
        or data["enterprises"]["joined"]
    )
    return data
