"""IdempotencyKey now belongs to apps.core (core 0004). State only: the table casework_idempotencykey stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_open_task_indexes"),
        ("core", "0004_idempotencykey"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyKey")],
            database_operations=[],
        ),
    ]
