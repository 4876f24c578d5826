"""REST API: /api/v1/tasks/runs/ — a TaskRun's state and progress (what the progress bars poll),
with the page's visibility (apps.tasks.selectors): park staff see every run on the park domain,
members the runs of their enterprise on its domain, everyone the runs they started."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets

from apps.core.api import FilterSet
from apps.tasks.api.serializers import TaskRunSerializer
from apps.tasks.choices import TaskState
from apps.tasks.models import TaskRun
from apps.tasks.selectors import task_run_list
from apps.tenants.selectors import current_enterprise

RUN_EXAMPLE = OpenApiExample(
    _lazy("一个运行中的导入"),
    value={
        "id": 17,
        "task": "apps.imports.tasks.import_apply_task",
        "title": "导入 设备台账.xlsx",
        "state": "running",
        "state_display": "运行中",
        "progress": 45,
        "message": "已写入 4,500 / 10,000 行",
        "result": {},
        "finished": False,
        "attempts": 1,
        "created_at": "2026-03-18T02:00:00Z",
        "started_at": "2026-03-18T02:00:01Z",
        "finished_at": None,
    },
    response_only=True,
)


class TaskRunFilter(FilterSet):
    state = filters.ChoiceFilter(choices=TaskState.choices, label=_lazy("状态"))
    task = filters.CharFilter(field_name="task_name", lookup_expr="icontains", label=_lazy("任务名称包含"))

    class Meta:
        model = TaskRun
        fields = ["state", "task"]


@extend_schema_view(
    list=extend_schema(summary=_lazy("后台任务列表"), examples=[RUN_EXAMPLE]),
    retrieve=extend_schema(summary=_lazy("后台任务的状态与进度"), examples=[RUN_EXAMPLE]),
)
class TaskRunViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskRunSerializer
    filterset_class = TaskRunFilter
    queryset = TaskRun.objects.none()

    def get_queryset(self):
        return task_run_list(user=self.request.user, enterprise=current_enterprise()).order_by("-id")
