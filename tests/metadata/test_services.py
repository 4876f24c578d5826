"""Inheritance rules, published immutability and change requests end to end."""

import pytest

from apps.audit.models import AuditEntry
from apps.core.errors import ApplicationError, PermissionDenied
from apps.metadata import services
from apps.metadata.choices import ChangeRequestStatus, ItemState, TemplateLevel, VersionStatus
from apps.metadata.models import TemplateItem, TemplateNotice
from apps.metadata.selectors import (
    effective_items,
    template_current_version,
    templates_for_enterprise,
)


def by_code(version):
    return {item["code"]: item for item in effective_items(version)}


@pytest.fixture
def energy(templates):
    return templates["PARK-ENERGY"]


@pytest.fixture
def ent_template(energy, enterprise_a):
    """An enterprise template (draft) extending the park energy template."""
    return services.enterprise_template_create(
        enterprise=enterprise_a, parent=energy, code="ENT-ALPHA-PV", name="光伏组件模板"
    )


def draft_of(template):
    return services.template_version_create_draft(template=template)


# ------------------------------------------------------------------ inheritance
def test_child_inherits_parent_items_and_may_add(ent_template, energy):
    draft = draft_of(ent_template)
    parent_codes = set(by_code(template_current_version(energy)))
    added = services.template_item_add(
        version=draft,
        name="组件效率",
        code="module_efficiency",
        item_type="number",
        constraints={"precision": 2, "unit": "%", "min": 0, "max": 100},
    )
    assert added.index >= 2500  # enterprise range, clear of park and national indexes
    items = by_code(draft)
    assert parent_codes <= set(items)
    assert items["module_efficiency"]["origin_level"] == TemplateLevel.ENTERPRISE
    assert items["rated_power"]["origin_level"] == TemplateLevel.PARK
    assert items["name"]["origin_level"] == TemplateLevel.NATIONAL
    version = services.template_version_publish(version=draft)
    assert version.status == VersionStatus.PUBLISHED
    assert {item["code"] for item in version.effective_items} == parent_codes | {"module_efficiency"}


def test_child_may_tighten_inherited_constraints(ent_template, energy):
    draft = draft_of(ent_template)
    parent = by_code(template_current_version(energy))["rated_power"]
    services.template_item_add(
        version=draft,
        **{
            **parent,
            "required": True,
            "grade": 2,
            "constraints": {**parent["constraints"], "max": 500, "precision": 1},
        },
    )
    services.template_item_add(
        version=draft,
        **{
            **by_code(template_current_version(energy))["equipment_type"],
            "constraints": {"choices": ["光伏组件", "储能电池"]},
        },
    )
    items = by_code(services.template_version_publish(version=draft))
    assert items["rated_power"]["constraints"]["max"] == 500
    assert items["rated_power"]["grade"] == 2 and items["rated_power"]["is_public"] is False
    assert items["equipment_type"]["constraints"]["choices"] == ["光伏组件", "储能电池"]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"constraints": {"precision": 3, "unit": "kW", "min": 0, "max": 100000}},
            "「额定功率」的小数位数不能高于上级模板的 2",
        ),
        (
            {"constraints": {"precision": 2, "unit": "kW", "min": -5, "max": 100000}},
            "「额定功率」的最小值不能低于上级模板的 0",
        ),
        (
            {"constraints": {"precision": 2, "unit": "kW", "min": 0}},
            "「额定功率」的最大值不能高于上级模板的 100000",
        ),
        (
            {"constraints": {"precision": 2, "unit": "W", "min": 0, "max": 100000}},
            "「额定功率」的单位必须与上级模板一致",
        ),
        ({"required": False}, "「额定功率」在上级模板中为必填，不能改为选填"),
        ({"item_type": "string"}, "「额定功率」不能修改数据类型"),
        ({"state": "disabled"}, "「额定功率」继承自上级模板，不能停用（数据项只增不减）"),
    ],
)
def test_child_may_not_loosen(ent_template, energy, change, message):
    draft = draft_of(ent_template)
    parent = by_code(template_current_version(energy))["rated_power"]
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(version=draft, **{**parent, **change})
    assert message in exc.value.errors["rated_power"]
    assert not TemplateItem.objects.filter(version=draft).exists()


def test_enum_may_not_gain_choices_and_grade_may_not_drop(ent_template, energy):
    draft = draft_of(ent_template)
    parent = by_code(template_current_version(energy))
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(
            version=draft, **{**parent["equipment_type"], "constraints": {"choices": ["变压器", "风机"]}}
        )
    assert "多出：风机" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(version=draft, **{**parent["monitoring_points"], "grade": 1})
    assert exc.value.message == "「监测点位」的数据分级不能低于上级模板"


def test_code_and_index_collisions_are_refused(ent_template, energy):
    draft = draft_of(ent_template)
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(
            version=draft, name="功率", code="rated_power", index=2600, item_type="number"
        )
    assert "英文编码 rated_power 已被上级模板的数据项「额定功率」" in exc.value.message
    power_index = by_code(template_current_version(energy))["rated_power"]["index"]
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(version=draft, name="新项", code="new_item", index=power_index)
    assert f"索引 {power_index} 已被上级模板的数据项「额定功率」（rated_power）使用" in exc.value.message
    services.template_item_add(version=draft, name="新项", code="new_item", index=2600)
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(version=draft, name="另一项", code="other", index=2600)
    assert "索引 2600 已被数据项 new_item 使用" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(version=draft, name="重复", code="new_item", index=2601)
    assert "已存在" in exc.value.message


@pytest.mark.parametrize("index", [1000, 1001, 1999])
def test_reserved_indexes_are_refused(ent_template, index):
    with pytest.raises(ApplicationError) as exc:
        services.template_item_add(version=draft_of(ent_template), name="低索引", code="low", index=index)
    assert "索引必须不小于 2000" in exc.value.message


def test_items_are_disabled_never_deleted_and_stay_in_the_next_version(ent_template):
    draft = draft_of(ent_template)
    own = services.template_item_add(version=draft, name="批次", code="lot", item_type="string")
    services.template_version_publish(version=draft)
    draft2 = draft_of(ent_template)
    assert draft2.number == 2
    copy = TemplateItem.objects.get(version=draft2, code="lot")
    services.template_item_disable(item=copy)
    with pytest.raises(ApplicationError):
        services.template_item_delete(item=copy)
    v2 = services.template_version_publish(version=draft2)
    assert by_code(v2)["lot"]["state"] == ItemState.DISABLED
    assert TemplateItem.objects.filter(pk=own.pk).exists()


def test_published_versions_are_immutable(ent_template):
    draft = draft_of(ent_template)
    own = services.template_item_add(version=draft, name="批次", code="lot")
    version = services.template_version_publish(version=draft)
    for call in [
        lambda: services.template_item_add(version=version, name="x", code="x"),
        lambda: services.template_item_update(item=own, constraints={"max_length": 10}),
        lambda: services.template_item_disable(item=own),
        lambda: services.template_version_publish(version=version),
    ]:
        with pytest.raises(ApplicationError) as exc:
            call()
        assert "已发布的版本不可修改" in exc.value.message
    own.refresh_from_db()
    assert own.state == ItemState.ENABLED


def test_update_of_published_item_only_tightens(ent_template):
    draft = draft_of(ent_template)
    services.template_item_add(version=draft, name="批次", code="lot", constraints={"max_length": 20})
    services.template_version_publish(version=draft)
    item = TemplateItem.objects.get(version=draft_of(ent_template), code="lot")
    services.template_item_update(item=item, constraints={"max_length": 10}, required=True)
    with pytest.raises(ApplicationError) as exc:
        services.template_item_update(item=item, constraints={"max_length": 30})
    assert exc.value.message == "「批次」的最大长度不能高于已发布版本的 20"
    with pytest.raises(ApplicationError):
        services.template_item_update(item=item, code="batch")


def test_parent_tightening_later_is_checked_when_the_child_moves_to_the_new_parent_version(
    templates, enterprise_a
):
    lighting = templates["PARK-LIGHTING"]
    child = services.enterprise_template_create(
        enterprise=enterprise_a, parent=lighting, code="ENT-L", name="灯"
    )
    draft = draft_of(child)
    assert draft.parent_version == template_current_version(lighting)
    power = by_code(draft)["power_w"]
    services.template_item_add(
        version=draft, **{**power, "constraints": {**power["constraints"], "max": 1000}}
    )
    services.template_version_publish(version=draft)
    # The park tightens the same item to 800 W and publishes version 2.
    park_draft = draft_of(lighting)
    park_item = TemplateItem.objects.get(version=park_draft, code="power_w")
    services.template_item_update(item=park_item, constraints={**park_item.constraints, "max": 800})
    services.template_version_publish(version=park_draft)
    child_draft = draft_of(child)
    assert child_draft.parent_version == template_current_version(lighting)
    with pytest.raises(ApplicationError) as exc:
        services.template_version_publish(version=child_draft)
    assert exc.value.message == "「功率」的最大值不能高于上级模板的 800"


def test_templates_for_enterprise(templates, ent_template, enterprise_a, enterprise_b):
    mine = set(templates_for_enterprise(enterprise_a).values_list("code", flat=True))
    theirs = set(templates_for_enterprise(enterprise_b).values_list("code", flat=True))
    assert "ENT-ALPHA-PV" in mine and "ENT-ALPHA-PV" not in theirs
    assert {"CN-CORE", "PARK-ENERGY"} <= mine & theirs


def test_enterprise_template_must_extend_a_park_template(templates, enterprise_a):
    with pytest.raises(ApplicationError) as exc:
        services.enterprise_template_create(
            enterprise=enterprise_a, parent=templates["CN-CORE"], code="ENT-X", name="x"
        )
    assert exc.value.errors["parent"] == ["企业元数据模板的上级模板应为园区元数据模板"]


# ------------------------------------------------------------------ change requests
def _ask(template, enterprise, admin, **item):
    return services.change_request_create(
        template=template,
        enterprise=enterprise,
        actor=admin,
        proposed_item={
            "name": "碳足迹",
            "code": "carbon_footprint",
            "item_type": "number",
            "constraints": {"precision": 2, "unit": "kgCO2e"},
            **item,
        },
        reason="客户要求",
    )


def test_change_request_approved_publishes_a_new_park_version_and_tells_the_enterprise(
    templates, enterprise_a, admin_a, park_admin
):
    template = templates["PARK-MFG"]
    before = template_current_version(template)
    request = _ask(template, enterprise_a, admin_a)
    assert request.status == ChangeRequestStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.change_request_approve(request=request, actor=admin_a)
    version = services.change_request_approve(request=request, actor=park_admin)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.APPROVED and request.resulting_version == version
    assert version.number == before.number + 1 and version.is_published
    assert template_current_version(template) == version
    assert by_code(version)["carbon_footprint"]["constraints"]["unit"] == "kgCO2e"
    assert "carbon_footprint" not in by_code(before)  # the old version is unchanged
    notice = TemplateNotice.objects.get(enterprise=enterprise_a, change_request=request)
    assert "已批准" in notice.title
    assert AuditEntry.objects.filter(
        action="metadata.change_request.approved", object_id=str(request.pk)
    ).exists()
    with pytest.raises(ApplicationError) as exc:
        services.change_request_reject(request=request, actor=park_admin, reason="晚了")
    assert "已处理" in exc.value.message


def test_change_request_approval_never_publishes_an_unreviewed_draft(
    templates, enterprise_a, admin_a, park_admin
):
    template = templates["PARK-LOGISTICS"]
    before = template_current_version(template)
    request = _ask(template, enterprise_a, admin_a)
    draft = services.template_version_create_draft(template=template)
    services.template_item_add(version=draft, name="半成品项", code="half_done", item_type="string")
    with pytest.raises(ApplicationError) as exc:
        services.change_request_approve(request=request, actor=park_admin)
    assert exc.value.code == "draft_in_progress" and f"v{draft.number}" in exc.value.message
    request.refresh_from_db()
    draft.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING and not draft.is_published
    assert template_current_version(template) == before
    assert not TemplateNotice.objects.filter(change_request=request).exists()

    services.template_version_publish(version=draft, actor=park_admin)  # reviewed and published
    version = services.change_request_approve(request=request, actor=park_admin)
    assert version.number == draft.number + 1
    assert {"carbon_footprint", "half_done"} <= set(by_code(version))


def test_change_request_rejected_with_a_reason(templates, enterprise_a, admin_a, park_admin):
    template = templates["PARK-ENV"]
    request = _ask(template, enterprise_a, admin_a)
    with pytest.raises(ApplicationError):
        services.change_request_reject(request=request, actor=park_admin, reason=" ")
    services.change_request_reject(request=request, actor=park_admin, reason="已有同类数据项")
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.REJECTED
    assert request.decision_reason == "已有同类数据项"
    assert TemplateNotice.objects.filter(enterprise=enterprise_a, body__contains="已有同类数据项").exists()
    assert template_current_version(template).number == 1


def test_change_request_forwarded_to_national(templates, enterprise_a, admin_a, park_admin):
    request = _ask(templates["PARK-GREENING"], enterprise_a, admin_a)
    services.change_request_forward(request=request, actor=park_admin, note="适合国家模板统一增加")
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.FORWARDED
    assert TemplateNotice.objects.filter(enterprise=enterprise_a, title__contains="转报国家").exists()


def test_change_request_refuses_collisions_and_non_park_templates(templates, enterprise_a, admin_a):
    with pytest.raises(ApplicationError) as exc:
        _ask(templates["PARK-ENERGY"], enterprise_a, admin_a, code="rated_power")
    assert "rated_power" in exc.value.message
    with pytest.raises(ApplicationError):
        _ask(templates["CN-CORE"], enterprise_a, admin_a)
