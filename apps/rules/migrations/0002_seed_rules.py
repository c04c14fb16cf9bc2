"""Seed the rule rows of DESIGN.md from fixtures/rules.json. Later changes are made by administrators as new rows."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "rules.json"


def seed(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    keys = ("code", "record_kind", "severity", "sector", "region_code", "effective_from")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        fields = row["fields"]  # matched on the natural key, so the database assigns ids (sequences stay right)
        Rule.objects.update_or_create(**{k: fields[k] for k in keys}, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
