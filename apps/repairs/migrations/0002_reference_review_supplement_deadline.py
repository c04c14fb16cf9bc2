"""Unique case references, four eyes as a database check, and the 补正 answer date read from its deadline.

`supplement_answer_by` was a copy of the supplement deadline's due date that calendar changes never refreshed: the
case now points at that deadline (found by owner and purpose) and reads the date from it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def point_at_supplement_deadlines(apps, schema_editor):
    RepairCase = apps.get_model("repairs", "RepairCase")
    Deadline = apps.get_model("sla", "Deadline")
    deadlines = Deadline.objects.filter(owner_type="repairs.repaircase", purpose="supplement").order_by("owner_id", "pk")
    latest = {d.owner_id: d.pk for d in deadlines}  # one 补正 per case; the newest wins if ever more
    for case_id, deadline_id in latest.items():
        RepairCase.objects.filter(pk=case_id).update(supplement_deadline_id=deadline_id)


def copy_back_due_dates(apps, schema_editor):
    RepairCase = apps.get_model("repairs", "RepairCase")
    for case in RepairCase.objects.filter(supplement_deadline__isnull=False).select_related("supplement_deadline"):
        RepairCase.objects.filter(pk=case.pk).update(supplement_answer_by=case.supplement_deadline.due_date)


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0001_initial"),
        ("sla", "0002_seed_calendar"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="repaircase",
            name="supplement_deadline",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sla.deadline",
                verbose_name="补正时限",
            ),
        ),
        migrations.RunPython(point_at_supplement_deadlines, copy_back_due_dates),
        migrations.RemoveField(model_name="repaircase", name="supplement_answer_by"),
        migrations.AlterField(
            model_name="repaircase",
            name="reference",
            field=models.CharField(blank=True, max_length=32, verbose_name="案件编号"),
        ),
        migrations.AddConstraint(
            model_name="repaircase",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reference", ""), _negated=True),
                fields=("reference",),
                name="repairs_reference_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="repaircase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("proposed_by__isnull", True),
                    ("reviewed_by__isnull", True),
                    ("reviewed_at__lt", models.F("proposed_at")),
                    models.Q(("proposed_by", models.F("reviewed_by")), _negated=True),
                    _connector="OR",
                ),
                name="repairs_reviewer_not_proposer",
            ),
        ),
    ]
