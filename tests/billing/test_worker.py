"""The monthly run on a real Celery worker: tracked (TaskRun progress and result), and two runs
of the same month at once still make one bill per enterprise."""

import pytest

from apps.billing import services
from apps.billing.choices import RunState
from apps.billing.models import Bill, BillingRun
from apps.tasks.models import TaskRun
from tests.billing import builders
from tests.billing.builders import FEBRUARY, local
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_make_one_bill_per_enterprise(
    celery_worker, frozen_clock, park_finance, enterprise_a, enterprise_b
):
    builders.price_list(park_finance)
    builders.resolutions(enterprise_a, 300000, hour=local(2026, 2, 3, 10))
    first = services.billing_run_start(actor=park_finance, period=FEBRUARY)
    second = services.billing_run_start(actor=park_finance, period=FEBRUARY)
    for run in (first, second):
        wait_for(lambda run=run: TaskRun.objects.get(pk=run.task_run_id).is_finished)
        task_run = TaskRun.objects.get(pk=run.task_run_id)
        assert task_run.state == "succeeded", task_run.result
        assert task_run.progress == 100 and task_run.started_by == park_finance
        assert BillingRun.objects.get(pk=run.pk).state == RunState.SUCCEEDED
    results = [TaskRun.objects.get(pk=run.task_run_id).result for run in (first, second)]
    assert sum(r["created"] for r in results) == 2
    assert sum(r["created"] + r["regenerated"] for r in results) == 4
    assert Bill.objects.filter(period=FEBRUARY, kind="bill").count() == 2
    alpha = Bill.objects.get(enterprise=enterprise_a, period=FEBRUARY)
    assert alpha.total == 106 and alpha.lines.get(kind="resolution").amount == 100
