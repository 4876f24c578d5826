from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.tasks.models import TaskRun


@admin.register(TaskRun)
class TaskRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "task_name", "tenant", "state", "progress", "created_at", "finished_at"]
    list_filter = ["state", "task_name"]
    search_fields = ["title", "task_name", "celery_id"]
