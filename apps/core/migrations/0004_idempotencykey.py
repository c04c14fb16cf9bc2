"""IdempotencyKey moves from apps.casework to apps.core in the model state only: the table
(casework_idempotencykey) and its rows stay where they are. casework 0005 drops it from casework's state."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_rechain_audit_under_key"),
        ("casework", "0004_open_task_indexes"),  # the table is created by casework 0001
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255)),
                        ("scope", models.CharField(max_length=100, verbose_name="接口")),
                        ("fingerprint", models.CharField(help_text="请求内容的 SHA-256", max_length=64)),
                        ("status_code", models.PositiveSmallIntegerField()),
                        ("body", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "幂等键",
                        "verbose_name_plural": "幂等键",
                        "db_table": "casework_idempotencykey",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "key"), name="casework_idempotency_user_key")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
