import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "buildcase_checklists.json"


def load(apps, schema_editor):
    # Only on the public schema: the definitions are a shared table.
    if schema_editor.connection.schema_name != "public":
        return
    Definition = apps.get_model("buildcases", "ChecklistItemDefinition")
    known = {field.name for field in Definition._meta.fields}
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        # The fixture grows with later migrations (name_en in 0003): keep this one's fields.
        fields = {name: value for name, value in row["fields"].items() if name in known}
        key = {"stage": fields.pop("stage"), "mode": fields.pop("mode"), "code": fields.pop("code")}
        Definition.objects.get_or_create(**key, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("buildcases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
