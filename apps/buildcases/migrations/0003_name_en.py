import json
from pathlib import Path

from django.db import migrations, models

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "buildcase_checklists.json"


def fill_name_en(apps, schema_editor):
    """English names from the fixture for the definitions the park has not renamed, and for the
    case items copied from them."""
    if schema_editor.connection.schema_name != "public":
        return
    Definition = apps.get_model("buildcases", "ChecklistItemDefinition")
    CaseItem = apps.get_model("buildcases", "CaseItem")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        fields = row["fields"]
        if not fields.get("name_en"):
            continue
        Definition.objects.filter(
            stage=fields["stage"], mode=fields["mode"], code=fields["code"], name=fields["name"], name_en=""
        ).update(name_en=fields["name_en"])
    for definition in Definition.objects.exclude(name_en=""):
        CaseItem.objects.filter(definition=definition, name=definition.name, name_en="").update(
            name_en=definition.name_en
        )


class Migration(migrations.Migration):
    dependencies = [("buildcases", "0002_checklist_defaults")]

    operations = [
        migrations.AddField(
            model_name="checklistitemdefinition",
            name="name_en",
            field=models.CharField(blank=True, help_text="界面为英文时显示", max_length=200, verbose_name="英文名称"),
        ),
        migrations.AddField(
            model_name="caseitem",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="英文名称"),
        ),
        migrations.RunPython(fill_name_en, migrations.RunPython.noop),
    ]
