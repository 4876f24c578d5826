"""Pages of the build workflow. Park domain: the board, the start form, the case page with
every action. Enterprise domain: that enterprise's cases, read-only except uploads."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.buildcases import permissions, selectors, services
from apps.buildcases.choices import STAGE_ORDER, AutomatedStep, CaseStatus, CompletionKind, ItemState, Stage
from apps.buildcases.forms import (
    ApproveForm,
    ArtifactForm,
    CaseCreateForm,
    PlanForm,
    SendBackForm,
    SignOffForm,
)
from apps.buildcases.models import BuildCase, CaseArtifact, CaseItem
from apps.core.errors import ApplicationError
from apps.core.errors import PermissionDenied as AppPermissionDenied
from apps.tenants.selectors import current_enterprise


def _login_or_none(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _case_or_404(request, pk: int) -> BuildCase:
    enterprise = current_enterprise()
    if enterprise is None:
        if not permissions.can_view_board(request.user):
            raise PermissionDenied
        return get_object_or_404(selectors.case_list(), pk=pk)
    # Enterprise domain: only this enterprise's cases, whoever asks (the middleware admits members only).
    case = selectors.case_list(enterprise=enterprise).filter(pk=pk).first()
    if case is None or not permissions.can_view_case(request.user, case):
        raise Http404
    return case


def _apply_errors(form, exc: ApplicationError) -> None:
    for field, errors in (exc.errors or {}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


def board_view(request):
    response = _login_or_none(request)
    if response:
        return response
    enterprise = current_enterprise()
    if enterprise is None and not permissions.can_view_board(request.user):
        raise PermissionDenied
    waiting_signoff = request.GET.get("waiting") == "signoff"
    columns, completed = selectors.case_board(enterprise=enterprise, waiting_signoff=waiting_signoff)
    return render(
        request,
        "buildcases/board.html",
        {
            "waiting_signoff": waiting_signoff,
            "columns": columns,
            "completed": completed,
            "enterprise": enterprise,
            "can_create": enterprise is None and permissions.can_work(request.user),
        },
    )


def case_create_view(request):
    response = _login_or_none(request)
    if response:
        return response
    if current_enterprise() is not None or not permissions.can_work(request.user):
        raise PermissionDenied
    form = CaseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("建设案例已创建"))
            return redirect("buildcases:detail", pk=case.pk)
    return render(request, "buildcases/case_form.html", {"form": form})


def case_detail_view(request, pk: int):
    response = _login_or_none(request)
    if response:
        return response
    case = _case_or_404(request, pk)
    user = request.user
    on_park = current_enterprise() is None
    # An evaluation waiting for its report is settled here too, should its follow task be lost.
    for item_pk in selectors.items_awaiting_report(case):
        services.evaluation_settle(item_id=item_pk)
    can_work = on_park and permissions.can_work(user) and case.status == CaseStatus.ACTIVE
    can_decide = on_park and permissions.can_decide(user) and case.status == CaseStatus.ACTIVE
    reached = STAGE_ORDER.index(case.stage)
    take_credential = not on_park and permissions.can_take_credential(user, case)
    stages = []
    for index, stage in enumerate(Stage):
        items = list(selectors.case_items(case, stage=stage.value)) if index <= reached else []
        for item in items:
            item.can_upload = permissions.can_upload(user, case, item)
            item.credential_waiting = (
                take_credential
                and item.automated_step == AutomatedStep.ISSUE_API_CREDENTIALS
                and item.state == ItemState.DONE
                and services.credential_waiting(item=item)
            )
            item.can_start = item.completion_kind == CompletionKind.AUTOMATED and permissions.can_start_step(
                user, case, item
            )
            item.stale = item.state == ItemState.RUNNING and services.run_is_stale(item.task_run)
        stages.append(
            {
                "value": stage.value,
                "label": stage.label,
                "items": items,
                "current": stage.value == case.stage and case.status == CaseStatus.ACTIVE,
                "passed": index < reached or case.status == CaseStatus.COMPLETED,
            }
        )
    context = {
        "case": case,
        "stages": stages,
        "can_work": can_work,
        "can_decide": can_decide,
        "open_items": selectors.open_required_items(case) if case.status == CaseStatus.ACTIVE else [],
        "artifacts": case.artifacts.select_related("item", "uploaded_by"),
        "events": case.events.select_related("actor")[:200],
        "decisions": case.decisions.select_related("decided_by"),
        "snapshot": selectors.latest_snapshot(case),
        "probe_url": services.probe_url_for(case),
        "plan_form": PlanForm(instance=case) if can_work else None,
        "approve_form": ApproveForm() if can_decide else None,
        "send_back_form": SendBackForm(case=case) if can_decide else None,
        "on_park": on_park,
    }
    return render(request, "buildcases/case_detail.html", context)


def _back(case):
    return redirect("buildcases:detail", pk=case.pk)


def _run(request, case, action, success: str):
    try:
        action()
    except AppPermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(case)


def _park_case(request, pk):
    if current_enterprise() is not None:
        raise PermissionDenied
    response = _login_or_none(request)
    if response:
        return None, response
    return _case_or_404(request, pk), None


def _item(case, item_pk) -> CaseItem:
    return get_object_or_404(CaseItem, pk=item_pk, case=case)


@require_POST
def item_upload_view(request, pk: int, item_pk: int):
    response = _login_or_none(request)
    if response:
        return response
    case = _case_or_404(request, pk)
    item = _item(case, item_pk)
    form = ArtifactForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return _back(case)
    return _run(
        request,
        case,
        lambda: services.artifact_upload(
            case=case, item=item, file=form.cleaned_data["file"], actor=request.user
        ),
        _("文档已上传"),
    )


@require_POST
def item_signoff_view(request, pk: int, item_pk: int):
    case, response = _park_case(request, pk)
    if response:
        return response
    form = SignOffForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    item = _item(case, item_pk)
    return _run(
        request, case, lambda: services.item_sign_off(item=item, actor=request.user, note=note), _("已签字")
    )


@require_POST
def item_reopen_view(request, pk: int, item_pk: int):
    case, response = _park_case(request, pk)
    if response:
        return response
    item = _item(case, item_pk)
    reason = request.POST.get("reason", "")
    return _run(
        request,
        case,
        lambda: services.item_reopen(item=item, actor=request.user, reason=reason),
        _("检查项已重新打开"),
    )


@require_POST
def item_step_view(request, pk: int, item_pk: int):
    case, response = _park_case(request, pk)
    if response:
        return response
    item = _item(case, item_pk)
    return _run(
        request, case, lambda: services.step_start(item=item, actor=request.user), _("自动步骤已开始")
    )


@require_POST
def plan_view(request, pk: int):
    case, response = _park_case(request, pk)
    if response:
        return response
    form = PlanForm(request.POST, instance=BuildCase.objects.get(pk=case.pk))
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(case)
    values = {name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
    return _run(
        request,
        case,
        lambda: services.plan_update(case=case, actor=request.user, **values),
        _("监测计划已保存"),
    )


@require_POST
def approve_view(request, pk: int):
    case, response = _park_case(request, pk)
    if response:
        return response
    form = ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _run(
        request,
        case,
        lambda: services.stage_approve(case=case, actor=request.user, note=note),
        _("阶段已批准"),
    )


@require_POST
def send_back_view(request, pk: int):
    case, response = _park_case(request, pk)
    if response:
        return response
    form = SendBackForm(request.POST, case=case)
    if not permissions.can_decide(request.user):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("请填写退回原因并选择阶段"))
        return _back(case)
    return _run(
        request,
        case,
        lambda: services.stage_send_back(
            case=case,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            to_stage=form.cleaned_data["to_stage"],
        ),
        _("已退回"),
    )


def artifact_download_view(request, pk: int, artifact_pk: int):
    response = _login_or_none(request)
    if response:
        return response
    case = _case_or_404(request, pk)
    artifact = get_object_or_404(CaseArtifact, pk=artifact_pk, case=case)
    return FileResponse(artifact.file.open("rb"), as_attachment=True, filename=artifact.filename)


@require_POST
def item_credential_view(request, pk: int, item_pk: int):
    """The enterprise administrator reads the step's API key: shown on this page once."""
    response = _login_or_none(request)
    if response:
        return response
    case = _case_or_404(request, pk)
    item = _item(case, item_pk)
    try:
        key = services.credential_take(item=item, actor=request.user)
    except AppPermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(case)
    response = render(request, "buildcases/credential.html", {"case": case, "item": item, "key": key})
    response["Cache-Control"] = "no-store"
    return response


def run_status_view(request, pk: int, run_pk: int):
    """A step's (or the evaluation report's) progress for whoever may see the case, on either
    domain: the steps run from the park, so their TaskRuns belong to no enterprise and the tasks
    app's status page would not show them on the enterprise's domain."""
    response = _login_or_none(request)
    if response:
        return response
    case = _case_or_404(request, pk)
    run = selectors.case_task_run(case, run_pk)
    if run is None:
        raise Http404
    return JsonResponse(
        {
            "id": run.pk,
            "title": run.title,
            "state": run.state,
            "state_display": str(run.get_state_display()),
            "progress": run.progress,
            "message": run.message,
            "finished": run.is_finished,
        }
    )
