"""Seed the national base list and the local supplementary list from fixtures/sanctions_measures.json. Later
changes are made by administrators as new rows (same code, later effective date)."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "sanctions_measures.json"


def seed(apps, schema_editor):
    Measure = apps.get_model("sanctions", "Measure")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        fields = row["fields"]  # matched on the natural key, so the database assigns ids (sequences stay right)
        Measure.objects.update_or_create(
            code=fields["code"], effective_from=fields["effective_from"], defaults=fields
        )


class Migration(migrations.Migration):
    dependencies = [("sanctions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
