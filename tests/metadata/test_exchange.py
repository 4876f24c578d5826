"""Export and import in the SNMS template shape; JSON Schema export."""

import json

import jsonschema
import pytest

from apps.core.errors import ApplicationError
from apps.metadata import services
from apps.metadata.exchange import template_import, template_json_schema, template_to_snms
from apps.metadata.inheritance import ITEM_FIELDS
from apps.metadata.selectors import effective_items, template_current_version


def comparable(version):
    return [{f: item[f] for f in ITEM_FIELDS} for item in effective_items(version)]


def test_snms_shape(templates):
    version = template_current_version(templates["PARK-ENERGY"])
    doc = template_to_snms(version)
    assert doc["prefix"] == "88.101"
    assert doc["version"] == "PARK-ENERGY-v1"
    assert (
        doc["industryCategory"],
        doc["industrySpecific"],
        doc["industryTrade"],
        doc["industrySubclass"],
    ) == ("D", "44", "442", "4420")
    power = next(i for i in doc["items"] if i["idType"] == "rated_power")
    assert power["idIndex"] >= 2000 and power["name"] == "额定功率"
    assert power["required"] is True and power["state"] == 1
    assert power["metadata"]["type"] == "string"  # the upstream API only takes "string"
    assert power["metadata"]["dataType"] == "number" and power["metadata"]["unit"] == "kW"
    json.dumps(doc, ensure_ascii=False)  # serialisable as is


def test_export_import_round_trip(templates, enterprise_a):
    source = templates["PARK-ENERGY"]
    # An enterprise template with an override, an own item and a disabled item travels whole.
    ent = services.enterprise_template_create(
        enterprise=enterprise_a, parent=source, code="ENT-RT", name="往返"
    )
    draft = ent.versions.get()
    power = next(i for i in effective_items(draft) if i["code"] == "rated_power")
    services.template_item_add(
        version=draft, **{**power, "constraints": {**power["constraints"], "max": 630}}
    )
    services.template_item_add(version=draft, name="柜号", code="cabinet_no", constraints={"max_length": 10})
    old = services.template_item_add(version=draft, name="旧编号", code="old_no")
    services.template_item_disable(item=old)
    exported = services.template_version_publish(version=draft)
    document = json.loads(json.dumps(template_to_snms(exported), ensure_ascii=False))

    imported = template_import(document=document, owner=enterprise_a, code="ENT-RT-2", publish=True)
    assert imported.parent == source and imported.owner == enterprise_a
    assert (imported.industry_section, imported.industry_class) == ("D", "4420")
    assert comparable(template_current_version(imported)) == comparable(exported)
    again = template_to_snms(template_current_version(imported))
    assert again["items"] == document["items"]


def test_import_accepts_other_industry_field_names_and_reports_bad_items(templates):
    doc = template_to_snms(template_current_version(templates["PARK-GREENING"]))
    for old, new in [
        ("industrySpecific", "industryMajor"),
        ("industryTrade", "industryMiddle"),
        ("industrySubclass", "industrySmall"),
    ]:
        doc[new] = doc.pop(old)
    imported = template_import(document=doc, code="PARK-GREENING-2")
    assert (imported.industry_division, imported.industry_group, imported.industry_class) == (
        "78",
        "785",
        "7850",
    )

    bad = template_to_snms(template_current_version(templates["PARK-GREENING"]))
    name = next(i for i in bad["items"] if i["idType"] == "name")
    name["required"] = False  # loosens the national template's rule
    bad["items"].append(
        {"idIndex": 1001, "name": "保留", "idType": "reserved", "metadata": {"type": "string"}}
    )
    with pytest.raises(ApplicationError) as exc:
        template_import(document=bad, code="PARK-GREENING-3")
    assert exc.value.errors["name"] == ["「名称」在上级模板中为必填，不能改为选填"]
    assert "索引必须不小于 2000" in exc.value.errors["reserved"][0]
    with pytest.raises(ApplicationError):
        template_import(document={"name": "x"}, code="X")


def test_json_schema_validates_a_good_object_and_rejects_bad_ones(templates):
    schema = template_json_schema(template_current_version(templates["PARK-ENERGY"]))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    good = {
        "name": "1号箱变",
        "equipment_type": "变压器",
        "rated_power": 630,
        "commissioned_on": "2021-06-18",
        "building": "88.101.PARK/B001",
    }
    assert list(validator.iter_errors(good)) == []
    for bad in [
        {**good, "rated_power": -1},  # below minimum
        {**good, "equipment_type": "风机"},  # not a choice
        {**good, "commissioned_on": "2021/6/18"},  # not ISO
        {k: v for k, v in good.items() if k != "rated_power"},  # required
        {**good, "unknown": "x"},  # additionalProperties
        {**good, "name": "x" * 51},  # maxLength (tightened by the park)
        {**good, "building": "B001"},  # not a handle
    ]:
        assert list(validator.iter_errors(bad)), bad
