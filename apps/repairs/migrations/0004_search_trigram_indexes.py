"""Trigram indexes (PostgreSQL's pg_trgm) for the task queues' search by case reference, enterprise name or code
(issue 11): a substring search reads the matching rows from the index instead of every row. On SQLite nothing."""

from django.db import migrations

from apps.core.migration_operations import trigram_index


class Migration(migrations.Migration):
    dependencies = [("repairs", "0003_list_order_indexes")]

    operations = [
        trigram_index(table="repairs_repaircase", column="reference", name="repairs_case_reference_trgm"),
    ]
