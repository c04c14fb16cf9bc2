"""Seed the letter template catalogue from fixtures/letters.json. Later versions are added by administrators."""

import json
from datetime import date
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "letters.json"
FIELDS = ("title", "body_path", "body_text", "is_active", "public_fields", "description")


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        defaults = {key: row[key] for key in FIELDS if key in row}
        defaults["effective_from"] = date.fromisoformat(row["effective_from"])
        LetterTemplate.objects.update_or_create(code=row["code"], version=row["version"], defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
