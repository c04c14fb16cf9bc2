"""Partial indexes on viewflow's task table for the task queues (issue 15): the open human tasks in queue order.

viewflow_task is a third-party table, so the indexes are created here by SQL (the same statement works on PostgreSQL
and SQLite). They hold only open tasks: their size follows the work in hand, not the years of done tasks, and the
queue's page (ORDER BY created, id LIMIT 50) is an ordered range scan of them whatever the planner's statistics.
"""

from django.db import migrations

OPEN = "flow_task_type = 'HUMAN' AND status IN ('NEW', 'ASSIGNED')"


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_sla_board_permissions"), ("viewflow", "0015_task_scheduled")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS casework_task_open_queue_idx ON viewflow_task (created, id) WHERE {OPEN}",
            "DROP INDEX IF EXISTS casework_task_open_queue_idx",
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS casework_task_open_owner_idx ON viewflow_task (owner_id, created) WHERE {OPEN}",
            "DROP INDEX IF EXISTS casework_task_open_owner_idx",
        ),
    ]
