from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from apps.tasks.models import TaskRun


class TaskRunSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="task_name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    finished = serializers.BooleanField(
        source="is_finished", read_only=True, help_text=_lazy("已结束（成功或失败）")
    )
    result = serializers.JSONField(read_only=True, help_text=_lazy("任务的结果（各任务不同）"))

    class Meta:
        model = TaskRun
        fields = [
            "id", "task", "title", "state", "state_display", "progress", "message", "result", "finished",
            "attempts", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields
