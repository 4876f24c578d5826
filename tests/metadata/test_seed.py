from apps.metadata.choices import ObjectCategory, TemplateLevel
from apps.metadata.demo import NATIONAL_CODE, ensure_seed_templates
from apps.metadata.models import MetadataTemplate
from apps.metadata.selectors import effective_items, template_current_version, template_for_category


def test_one_published_park_template_per_category_inheriting_the_national_core(templates):
    national = templates[NATIONAL_CODE]
    assert national.level == TemplateLevel.NATIONAL
    for category in ObjectCategory:
        if category == ObjectCategory.GENERAL:
            continue
        template = template_for_category(category)
        assert template is not None, category
        assert template.parent == national
        version = template_current_version(template)
        items = effective_items(version)
        codes = {item["code"] for item in items}
        # every national item is inherited
        assert {"name", "description", "responsible_org", "object_status"} <= codes
        assert all(item["index"] >= 2000 for item in items)
        assert template.industry_class.startswith(template.industry_group)


def test_energy_template_has_the_guide_items_with_units_and_grades(templates):
    items = {i["name"]: i for i in effective_items(template_current_version(templates["PARK-ENERGY"]))}
    assert {"设备名称", "额定功率", "投运日期", "所在建筑", "运维单位", "监测点位"} <= set(items)
    assert items["额定功率"]["constraints"]["unit"] == "kW"
    assert items["所在建筑"]["item_type"] == "reference"
    assert items["监测点位"]["grade"] == 2 and not items["监测点位"]["is_public"]
    assert items["设备名称"]["origin_level"] == "national"  # renamed override of the national 名称
    assert any(i["grade"] == 3 for i in items.values())


def test_seed_is_idempotent(templates):
    before = MetadataTemplate.objects.count()
    ensure_seed_templates()
    assert MetadataTemplate.objects.count() == before
    assert MetadataTemplate.objects.exclude(default_link="").exists()
    assert MetadataTemplate.objects.filter(use_check_character=True).exists()


def test_demo_load_gives_the_first_enterprise_a_template_and_a_pending_request(templates, enterprise_a):
    import io

    from apps.metadata.demo import load
    from apps.metadata.models import TemplateChangeRequest

    out = io.StringIO()
    load(out)
    load(out)  # idempotent
    own = MetadataTemplate.objects.filter(owner__isnull=False, level=TemplateLevel.ENTERPRISE)
    assert own.count() == 1
    assert template_current_version(own.get()) is not None
    assert TemplateChangeRequest.objects.filter(status="pending").count() == 1
