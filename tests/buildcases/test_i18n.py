"""The timeline, alerts, step errors and checklist names follow the reader's language: rows keep
a message key and its parameters, not text translated for whoever wrote them."""

import pytest
from django.utils import translation

from apps.buildcases import services
from apps.buildcases.choices import EventKind, ItemState
from apps.buildcases.models import CaseEvent
from tests.buildcases.builders import work_manual_items

pytestmark = pytest.mark.django_db


def test_timeline_written_in_chinese_reads_in_english(secondary_case, park_admin, park_client):
    with translation.override("zh-hans"):
        work_manual_items(secondary_case, park_admin)
        case = services.stage_approve(case=secondary_case, actor=park_admin)
    approved = case.events.get(kind=EventKind.STAGE_APPROVED)
    assert approved.message == "批准“需求”阶段，进入“规划”阶段"  # stored as written
    old = CaseEvent.objects.create(
        case=case, kind=EventKind.PLAN_UPDATED, stage=case.stage, message="旧版记录"
    )

    with translation.override("en"):
        assert approved.text == "Approved the “Demand” stage and moved to “Planning”"
        created = case.events.get(kind=EventKind.CREATED)
        assert created.text == "Build case created: Park secondary node, built by Park"
        uploaded = case.events.filter(kind=EventKind.ARTIFACT_UPLOADED).order_by("id").first()
        assert uploaded.text.endswith(": Build demand and overall approach")
        assert old.text == "旧版记录"  # rows from before keep their text
    with translation.override("zh-hans"):
        assert approved.text == "批准“需求”阶段，进入“规划”阶段"

    park_client.force_login(park_admin)
    page = park_client.get(f"/buildcases/{case.pk}/?lang=en").content.decode()
    assert "Approved the “Demand” stage and moved to “Planning”" in page
    # (The uploaded file keeps its Chinese name; the checklist line is in English.)
    assert "<td>Build demand and overall approach" in page and "<td>建设需求与总体建设思路" not in page
    page = park_client.get(f"/buildcases/{case.pk}/?lang=zh-hans").content.decode()
    assert "批准“需求”阶段，进入“规划”阶段" in page and "<td>建设需求与总体建设思路" in page


def test_alerts_and_step_errors_read_in_english(alpha_case, park_admin, park_client, closed_port):
    case = alpha_case
    for _stage in range(2):
        work_manual_items(case, park_admin)
        case = services.stage_approve(case=case, actor=park_admin)
    services.plan_update(case=case, actor=park_admin, probe_url=f"http://127.0.0.1:{closed_port}/")
    with translation.override("zh-hans"):
        snapshot = services.monitoring_snapshot_take(case=case)
        step = case.items.get(automated_step="allocate_prefix")
        with pytest.raises(services.ApplicationError):
            services.step_execute(item_id=step.pk, actor=park_admin)
    step.refresh_from_db()
    assert step.state == ItemState.FAILED and step.error == "企业尚无前缀，请先完成“开通企业租户”"
    assert "低于计划下限" in snapshot.alerts[0]["message"]

    with translation.override("en"):
        step.refresh_from_db()
        assert (
            step.error_text == "The enterprise has no prefix yet. Complete “Activate enterprise tenant” first"
        )
        alert = case.events.get(kind=EventKind.ALERT)
        assert alert.text.startswith("Resolution service availability of 0.00% is below the planned minimum")
        failed = case.events.get(kind=EventKind.STEP_FAILED)
        assert failed.text == (
            "Automated step failed: Prefix allocation: "
            "The enterprise has no prefix yet. Complete “Activate enterprise tenant” first"
        )

    park_client.force_login(park_admin)
    page = park_client.get(f"/buildcases/{case.pk}/?lang=en").content.decode()
    assert "The enterprise has no prefix yet" in page and "企业尚无前缀" not in page
