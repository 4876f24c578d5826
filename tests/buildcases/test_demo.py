from io import StringIO

import pytest
from django.core.management import call_command

from apps.buildcases import demo
from apps.buildcases.choices import ItemState, Stage
from apps.buildcases.models import BuildCase, CaseEvent

pytestmark = pytest.mark.django_db


def test_demo_cases_at_different_stages_loaded_once(park):
    call_command("load_demo", stdout=StringIO())
    stages = dict(BuildCase.objects.values_list("title", "stage"))
    assert stages == {
        demo.PARK_CASE: Stage.PLANNING,
        demo.ENTERPRISE_CASE: Stage.MONITORING,
        demo.BACKBONE_CASE: Stage.DEMAND,
    }
    enterprise_case = BuildCase.objects.get(title=demo.ENTERPRISE_CASE)
    steps = enterprise_case.items.filter(stage=Stage.CONSTRUCTION, completion_kind="automated")
    assert steps.count() == 4 and not steps.exclude(state=ItemState.DONE).exists()
    # Its first snapshot waits for the running portal.
    assert enterprise_case.items.get(automated_step="monitoring_snapshot").state == ItemState.OPEN

    events = CaseEvent.objects.count()
    out = StringIO()
    demo.load(out)
    assert "already loaded" in out.getvalue()
    assert CaseEvent.objects.count() == events and BuildCase.objects.count() == 3
