"""Trigram indexes (PostgreSQL's pg_trgm) for the task queues' search by case reference, enterprise name or code
(issue 11): a substring search reads the matching rows from the index instead of every row. On SQLite nothing."""

from django.db import migrations

from apps.core.migration_operations import trigram_index


class Migration(migrations.Migration):
    dependencies = [("subjects", "0002_beat_schedule")]

    operations = [
        trigram_index(table="subjects_subject", column="name", name="subjects_subject_name_trgm"),
        trigram_index(table="subjects_subject", column="uscc", name="subjects_subject_uscc_trgm"),
    ]
