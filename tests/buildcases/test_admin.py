"""The admin as the demo's park administrator (staff, not superuser): checklists editable and
audited, case records read-only."""

import pytest

from apps.audit.models import AuditEntry
from apps.buildcases.models import CaseEvent, ChecklistItemDefinition, StageDecision

pytestmark = pytest.mark.django_db

BASE = "/admin/buildcases"


@pytest.fixture
def staff_admin(park_admin):
    park_admin.is_staff = True
    park_admin.save()
    assert not park_admin.is_superuser and not park_admin.user_permissions.exists()
    return park_admin


def _form(definition, **changes) -> dict:
    data = {
        "stage": definition.stage,
        "mode": definition.mode,
        "code": definition.code,
        "name": definition.name,
        "description": definition.description,
        "completion_kind": definition.completion_kind,
        "automated_step": definition.automated_step,
        "order": definition.order,
    }
    if definition.required:
        data["required"] = "on"
    if definition.active:
        data["active"] = "on"
    data.update(changes)
    return data


def test_park_admin_edits_a_checklist_definition_and_the_edit_is_audited(
    secondary_case, staff_admin, park_client
):
    definition = ChecklistItemDefinition.objects.get(stage="planning", code="management_services")
    park_client.force_login(staff_admin)
    assert park_client.get(f"{BASE}/checklistitemdefinition/").status_code == 200
    url = f"{BASE}/checklistitemdefinition/{definition.pk}/change/"
    assert park_client.get(url).status_code == 200

    response = park_client.post(url, _form(definition, name="管理与服务措施（含应急预案）", order=45))
    assert response.status_code == 302, response.content.decode()[:2000]
    definition.refresh_from_db()
    assert definition.name == "管理与服务措施（含应急预案）" and definition.order == 45
    entry = AuditEntry.objects.filter(
        object_type__iexact="buildcases.checklistitemdefinition", object_id=str(definition.pk)
    ).latest("id")
    assert entry.changes["name"] == ["管理与服务措施", "管理与服务措施（含应急预案）"]
    assert entry.actor == staff_admin.username

    # A new definition, then its deletion: both audited.
    response = park_client.post(
        f"{BASE}/checklistitemdefinition/add/",
        {
            "stage": "planning",
            "mode": "",
            "code": "budget",
            "name": "投资预算",
            "description": "",
            "completion_kind": "artifact",
            "automated_step": "",
            "order": 60,
            "required": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    added = ChecklistItemDefinition.objects.get(code="budget")
    response = park_client.post(f"{BASE}/checklistitemdefinition/{added.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ChecklistItemDefinition.objects.filter(code="budget").exists()
    trail = AuditEntry.objects.filter(
        object_type__iexact="buildcases.checklistitemdefinition", object_id=str(added.pk)
    )
    assert trail.count() == 2


def test_bad_definition_is_refused_with_a_message_and_nothing_changes(
    secondary_case, staff_admin, park_client
):
    definition = ChecklistItemDefinition.objects.get(stage="planning", code="management_services")
    park_client.force_login(staff_admin)
    audited = AuditEntry.objects.count()
    response = park_client.post(
        f"{BASE}/checklistitemdefinition/{definition.pk}/change/",
        _form(definition, name="改名", completion_kind="automated", automated_step=""),
    )
    assert response.status_code == 200
    assert "自动步骤类检查项须指定步骤" in response.content.decode()
    definition.refresh_from_db()
    assert definition.name == "管理与服务措施" and AuditEntry.objects.count() == audited


def test_case_records_are_read_only_in_the_admin(secondary_case, staff_admin, park_client, park_operator):
    from apps.buildcases import services
    from tests.buildcases.builders import work_manual_items

    work_manual_items(secondary_case, staff_admin)
    services.stage_approve(case=secondary_case, actor=staff_admin, note="同意")
    event = CaseEvent.objects.filter(case=secondary_case).first()
    decision = StageDecision.objects.get(case=secondary_case)
    artifact = secondary_case.artifacts.first()
    park_client.force_login(staff_admin)

    for model, obj in (
        ("caseevent", event),
        ("stagedecision", decision),
        ("caseartifact", artifact),
        ("buildcase", secondary_case),
    ):
        change = f"{BASE}/{model}/{obj.pk}/change/"
        assert park_client.get(change).status_code == 200  # may look
        assert park_client.post(change, {}).status_code == 403
        assert park_client.get(f"{BASE}/{model}/add/").status_code == 403
        assert park_client.post(f"{BASE}/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    assert secondary_case.__class__.objects.filter(pk=secondary_case.pk).exists()
    assert StageDecision.objects.get(pk=decision.pk).reason == "同意"

    # Operators may look at the checklists but not change them.
    park_operator.is_staff = True
    park_operator.save()
    park_client.force_login(park_operator)
    definition = ChecklistItemDefinition.objects.get(stage="planning", code="management_services")
    url = f"{BASE}/checklistitemdefinition/{definition.pk}/change/"
    assert park_client.get(url).status_code == 200
    assert park_client.post(url, _form(definition, name="改名")).status_code == 403
    definition.refresh_from_db()
    assert definition.name == "管理与服务措施"
