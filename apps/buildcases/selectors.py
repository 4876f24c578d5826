"""Reads of build cases."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.buildcases.choices import STAGE_ORDER, CaseStatus, ItemState, Stage
from apps.buildcases.models import BuildCase, CaseItem, ChecklistItemDefinition


def case_list(*, enterprise=None, status: str | None = None) -> QuerySet[BuildCase]:
    qs = BuildCase.objects.select_related("enterprise", "owner")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if status:
        qs = qs.filter(status=status)
    return qs


def cases_waiting_for_signoff(qs: QuerySet[BuildCase]) -> QuerySet[BuildCase]:
    """Active cases with an open sign-off item in their current stage."""
    from apps.buildcases.choices import CompletionKind

    waiting = CaseItem.objects.filter(
        case=OuterRef("pk"),
        stage=OuterRef("stage"),
        completion_kind=CompletionKind.SIGNOFF,
        state=ItemState.OPEN,
    )
    return qs.filter(Exists(waiting), status=CaseStatus.ACTIVE)


def case_board(*, enterprise=None, waiting_signoff: bool = False) -> list[dict]:
    """Active cases grouped by stage (in stage order), then the completed ones; with
    ``waiting_signoff`` only the cases whose current stage has an item waiting for sign-off."""
    qs = case_list(enterprise=enterprise)
    if waiting_signoff:
        qs = cases_waiting_for_signoff(qs)
    cases = list(qs.order_by("stage_entered_at", "id"))
    items = {}
    for row in CaseItem.objects.filter(
        case__in=[c.pk for c in cases], stage__in=STAGE_ORDER, required=True
    ).values("case_id", "stage", "state"):
        key = (row["case_id"], row["stage"])
        done, total = items.get(key, (0, 0))
        items[key] = (done + (row["state"] == ItemState.DONE), total + 1)
    columns = []
    for stage in Stage:
        column = []
        for case in cases:
            if case.status == CaseStatus.ACTIVE and case.stage == stage:
                case.progress = items.get((case.pk, case.stage), (0, 0))
                column.append(case)
        columns.append({"stage": stage.value, "label": stage.label, "cases": column})
    completed = [c for c in cases if c.status == CaseStatus.COMPLETED]
    return columns, completed


def case_items(case: BuildCase, *, stage: str | None = None) -> QuerySet[CaseItem]:
    qs = case.items.select_related("task_run", "done_by").prefetch_related("artifacts")
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("order", "id")


def open_required_items(case: BuildCase) -> list[CaseItem]:
    return list(
        case.items.filter(stage=case.stage, required=True).exclude(state=ItemState.DONE).order_by("order")
    )


def definitions_for(*, stage: str, mode: str) -> QuerySet[ChecklistItemDefinition]:
    from django.db.models import Q

    return ChecklistItemDefinition.objects.filter(
        Q(mode="") | Q(mode=mode), stage=stage, active=True
    ).order_by("order", "id")


def latest_snapshot(case: BuildCase):
    return case.snapshots.order_by("-taken_at", "-id").first()


def items_awaiting_report(case: BuildCase) -> list[int]:
    return list(
        case.items.filter(state=ItemState.RUNNING, result__awaiting_report=True).values_list("pk", flat=True)
    )


def case_task_run(case: BuildCase, run_id: int):
    """A TaskRun of this case: one of its items' steps or its evaluation report's generation."""
    from apps.reports.models import Report
    from apps.tasks.models import TaskRun

    # One query (the page polls this): the run, if an item of the case or its report names it.
    of_case = Q(pk__in=case.items.values("task_run_id")) | Q(
        pk__in=Report.objects.filter(pk=case.evaluation_report_id).values("task_run_id")
    )
    return TaskRun.objects.filter(of_case, pk=run_id).first()
