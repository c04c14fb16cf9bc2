"""Seed the rule rows of DESIGN.md from fixtures/rules.json. Later changes are made by administrators as new rows."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "rules.json"


def seed(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        Rule.objects.update_or_create(pk=row["pk"], defaults=row["fields"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
