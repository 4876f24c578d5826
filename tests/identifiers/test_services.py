"""Registration, update and withdrawal through the registry services; the grade split."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEntry
from apps.core.errors import ApplicationError, PermissionDenied
from apps.enterprise_data.models import RestrictedValues
from apps.identifiers import handles
from apps.identifiers.models import Identifier, Prefix
from apps.identifiers.selectors import identifier_values_for
from apps.identifiers.services import identifier_register, identifier_update, identifier_withdraw
from apps.sync.models import OutboxEntry

from .conftest import product

pytestmark = pytest.mark.django_db

RESTRICTED = ("总装二线", "绕组温升≤100K；浸漆三次")


def test_register_generates_suffix_with_check_character_and_splits_values(register_product, alpha, mfg):
    ident = register_product(1)
    assert ident.handle.startswith("88.101.ALPHA/")
    code, check = handles.split_check(ident.suffix)
    assert check and code == ident.object_code and ident.security_code == check
    assert handles.verify_suffix(ident.suffix) == ident.object_code
    public = {v["type"]: v["data"]["value"] for v in ident.values}
    assert public["TEMPLATE_ID"] == "PARK-MFG" and public["TEMPLATE"] == str(mfg.number)
    assert public["name"] == "干式变压器1" and public["rated_capacity"] == "630"
    assert {v["index"] for v in ident.values} >= {1000, 1001, 2000}
    for v in ident.values:
        assert v["ttl"] == 86400 and v["timestamp"] and v["data"]["format"] == "string"
    assert "production_line" not in public and "process_params" not in public
    with schema_context(alpha.schema_name):
        row = RestrictedValues.objects.get(identifier_id=ident.pk)
        restricted = {v["type"]: (v["data"]["value"], v["grade"]) for v in row.values}
    assert restricted == {
        "production_line": ("总装二线", 1),
        "process_params": ("绕组温升≤100K；浸漆三次", 3),
    }


def test_generated_suffixes_follow_the_prefix_sequence(register_product, alpha):
    a, b = register_product(1), register_product(2)
    assert a.object_code != b.object_code
    prefix = Prefix.objects.get(enterprise=alpha)
    assert prefix.next_sequence >= 3


def test_public_tables_hold_no_restricted_value(register_product, alpha, admin_a, staff_version):
    ident = register_product(1)
    identifier_update(actor=admin_a, identifier=ident, values=product(1, production_line="总装三线"))
    person = identifier_register(
        actor=admin_a,
        enterprise=alpha,
        template_version=staff_version,
        values={
            "name": "李秘密",
            "employee_no": "E0001",
            "department": "质量部",
            "id_card_no": "32050119900101123X",
        },
    )
    secrets = [*RESTRICTED, "总装三线", "李秘密", "质量部", "32050119900101123X"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'SELECT t::text FROM public."{table}" t')
            dump = "\n".join(row[0] for row in cursor.fetchall())
            for secret in secrets:
                assert secret not in dump, f"{secret} found in public.{table}"
    assert person.name == person.object_code  # the restricted name stays out of the registry
    # ...and the owner still reads everything
    values = {v["type"]: v["data"]["value"] for v in identifier_values_for(user=admin_a, identifier=person)}
    assert values["name"] == "李秘密" and values["id_card_no"] == "32050119900101123X"


def test_register_writes_audit_and_outbox(register_product):
    ident = register_product(1)
    entry = AuditEntry.objects.get(action="identifier.register", object_id=str(ident.pk))
    assert entry.object_repr == ident.handle
    assert entry.changes["restricted_items"][1] == ["process_params", "production_line"]
    outbox = OutboxEntry.objects.get(handle=ident.handle)
    assert outbox.operation == "create" and outbox.identifier_id == ident.pk
    assert outbox.payload["values"] == ident.values


def test_every_error_names_the_item_in_chinese(alpha, admin_a, mfg):
    with pytest.raises(ApplicationError) as exc:
        identifier_register(
            actor=admin_a,
            enterprise=alpha,
            template_version=mfg,
            values=product(1, produced_on="明天", qc_result="优秀", rated_capacity="-5", model=""),
        )
    errors = exc.value.errors
    assert set(errors) >= {"produced_on", "qc_result", "rated_capacity", "model"}
    assert "生产日期" in errors["produced_on"][0]
    assert "质检结果" in errors["qc_result"][0] and "合格" in errors["qc_result"][0]
    assert "额定容量" in errors["rated_capacity"][0]
    assert "产品型号" in errors["model"][0] and "必填" in errors["model"][0]
    assert not Identifier.objects.exists()


def test_given_object_code_and_case_variant_duplicates(alpha, admin_a, seeds):
    from .conftest import current

    logistics = current(seeds, "PARK-LOGISTICS")  # no check character
    values = {"name": "3号叉车", "equipment_type": "叉车"}
    ident = identifier_register(
        actor=admin_a, enterprise=alpha, template_version=logistics, values=values, object_code="Fork-3"
    )
    assert ident.handle == "88.101.ALPHA/Fork-3" and ident.security_code == ""
    with pytest.raises(ApplicationError) as exc:
        identifier_register(
            actor=admin_a, enterprise=alpha, template_version=logistics, values=values, object_code="FORK-3"
        )
    assert exc.value.code == "duplicate"
    with pytest.raises(ApplicationError) as exc:
        identifier_register(
            actor=admin_a, enterprise=alpha, template_version=logistics, values=values, object_code="a b"
        )
    assert "object_code" in exc.value.errors


@pytest.mark.parametrize("code", ["lamp1", "A-1", "B_1", "路灯1"])
def test_check_character_templates_refuse_codes_outside_0_9_A_Z(alpha, admin_a, mfg, code):
    with pytest.raises(ApplicationError) as exc:
        identifier_register(
            actor=admin_a, enterprise=alpha, template_version=mfg, values=product(1), object_code=code
        )
    assert exc.value.code == "invalid_object_code"
    assert "0-9" in exc.value.errors["object_code"][0]
    assert not Identifier.objects.exists()
    ok = identifier_register(
        actor=admin_a, enterprise=alpha, template_version=mfg, values=product(1), object_code="LAMP1"
    )
    assert ok.suffix == handles.suffix_with_check("LAMP1")


def test_unique_items_are_enforced(alpha, admin_a, staff_version):
    values = {"name": "王五", "employee_no": "E7"}
    identifier_register(actor=admin_a, enterprise=alpha, template_version=staff_version, values=values)
    with pytest.raises(ApplicationError) as exc:
        identifier_register(actor=admin_a, enterprise=alpha, template_version=staff_version, values=values)
    assert "工号" in exc.value.errors["employee_no"][0]


def test_references_must_exist_and_have_the_right_category(alpha, admin_a, seeds, register_product):
    from .conftest import current

    logistics = current(seeds, "PARK-LOGISTICS")
    product_ident = register_product(1)
    with pytest.raises(ApplicationError) as exc:
        identifier_register(
            actor=admin_a,
            enterprise=alpha,
            template_version=logistics,
            values={"name": "叉车", "equipment_type": "叉车", "warehouse": "88.101.ALPHA/NOPE"},
        )
    assert "不存在" in exc.value.errors["warehouse"][0]
    with pytest.raises(ApplicationError) as exc:
        identifier_register(
            actor=admin_a,
            enterprise=alpha,
            template_version=logistics,
            values={"name": "叉车", "equipment_type": "叉车", "warehouse": product_ident.handle},
        )
    assert "建筑设施" in exc.value.errors["warehouse"][0]


def test_update_changes_values_and_audits_without_restricted_values(register_product, admin_a, alpha):
    ident = register_product(1)
    ident = identifier_update(
        actor=admin_a, identifier=ident, values=product(1, name="新名称", production_line="三线")
    )
    assert ident.name == "新名称"
    entry = AuditEntry.objects.filter(action="identifier.update", object_id=str(ident.pk)).get()
    assert entry.changes["values.name"] == ["干式变压器1", "新名称"]
    assert entry.changes["restricted_items"] == [None, ["production_line"]]
    assert "三线" not in str(entry.changes)
    with schema_context(alpha.schema_name):
        assert RestrictedValues.objects.get(identifier_id=ident.pk).as_dict()["production_line"] == "三线"
    assert OutboxEntry.objects.filter(handle=ident.handle, operation="update").count() == 1


def test_withdraw_keeps_the_handle_and_refuses_updates(register_product, admin_a):
    ident = register_product(1)
    ident = identifier_withdraw(actor=admin_a, identifier=ident)
    assert ident.status == "withdrawn" and ident.withdrawn_at
    assert OutboxEntry.objects.filter(handle=ident.handle, operation="delete").count() == 1
    assert AuditEntry.objects.filter(action="identifier.withdraw", object_id=str(ident.pk)).exists()
    with pytest.raises(ApplicationError):
        identifier_update(actor=admin_a, identifier=ident, values=product(1))
    # withdrawing twice is harmless
    identifier_withdraw(actor=admin_a, identifier=ident)
    assert OutboxEntry.objects.filter(handle=ident.handle, operation="delete").count() == 1


def test_other_enterprises_cannot_write(register_product, admin_b, beta, mfg, alpha):
    ident = register_product(1)
    with pytest.raises(PermissionDenied):
        identifier_update(actor=admin_b, identifier=ident, values=product(1))
    with pytest.raises(PermissionDenied):
        identifier_withdraw(actor=admin_b, identifier=ident)
    with pytest.raises(PermissionDenied):
        identifier_register(actor=admin_b, enterprise=alpha, template_version=mfg, values=product(2))


def test_operator_restricted_values_stay_out_of_public(operator, park_admin, building):
    ident = identifier_register(
        actor=park_admin,
        enterprise=operator,
        template_version=building,
        values={
            "name": "A12 号厂房",
            "building_no": "A12",
            "usage": "厂房",
            "floor_area": "12000",
            "property_owner": "园区投资公司保密",
        },
    )
    assert "property_owner" not in {v["type"] for v in ident.values}
    values = {v["type"]: v["data"]["value"] for v in identifier_values_for(user=park_admin, identifier=ident)}
    assert values["property_owner"] == "园区投资公司保密"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema='public' AND table_name LIKE 'enterprise_data%%'"
        )
        assert cursor.fetchone()[0] == 0


def test_registration_invalidates_the_resolution_cache_after_commit(
    register_product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register_product(1)
    assert callbacks  # cache invalidation and sync kick run only once the registration commits
