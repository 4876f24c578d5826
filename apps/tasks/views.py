from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render

from apps.tasks.selectors import task_run_get, task_run_list
from apps.tenants.selectors import current_enterprise


@login_required
def run_list(request):
    runs = task_run_list(user=request.user, enterprise=current_enterprise())
    state = request.GET.get("state")
    if state:
        runs = runs.filter(state=state)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "tasks/run_list.html", {"page": page, "state": state})


@login_required
def run_detail(request, pk: int):
    run = task_run_get(user=request.user, run_id=pk, enterprise=current_enterprise())
    if run is None:
        raise Http404
    return render(request, "tasks/run_detail.html", {"run": run})


@login_required
def run_status(request, pk: int):
    run = task_run_get(user=request.user, run_id=pk, enterprise=current_enterprise())
    if run is None:
        raise Http404
    return JsonResponse(
        {
            "id": run.pk,
            "task": run.task_name,
            "title": run.title,
            "state": run.state,
            "state_display": str(run.get_state_display()),
            "progress": run.progress,
            "message": run.message,
            "result": run.result,
            "finished": run.is_finished,
            "started_at": run.started_at.isoformat() if run.started_at else None,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        }
    )
