"""Trigram indexes (PostgreSQL's pg_trgm) for the task queues' search by case reference, enterprise name or code
(issue 11): a substring search reads the matching rows from the index instead of every row. On SQLite nothing."""

from django.db import migrations

from apps.core.migration_operations import trigram_index


class Migration(migrations.Migration):
    dependencies = [("objections", "0005_list_order_indexes")]

    operations = [
        trigram_index(table="objections_objection", column="reference", name="objections_reference_trgm"),
    ]
