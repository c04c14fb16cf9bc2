"""Migration operations shared by the apps' migrations."""

from typing import Any

from django.db import migrations


class PostgreSQLRunSQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only and does nothing on any other database: PostgreSQL-only indexes (pg_trgm
    GIN indexes for substring search) that SQLite has no use for (it scans, as the query asks)."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(*, table: str, column: str, name: str) -> PostgreSQLRunSQL:
    """A GIN trigram index on UPPER(column): the expression Django's `icontains` compares on PostgreSQL
    (UPPER("column"::text) LIKE UPPER('%text%')), so a substring search reads the index instead of every row."""
    return PostgreSQLRunSQL(
        [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
        ],
        f"DROP INDEX IF EXISTS {name}",
    )
