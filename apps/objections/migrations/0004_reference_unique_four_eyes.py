"""Unique case references and four eyes (proposer is not reviewer) as a database check."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('objections', '0003_process_flags_one_channel'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='objection',
            name='reference',
            field=models.CharField(blank=True, max_length=32, verbose_name='案件编号'),
        ),
        migrations.AddConstraint(
            model_name='objection',
            constraint=models.UniqueConstraint(condition=models.Q(('reference', ''), _negated=True), fields=('reference',), name='objections_reference_unique'),
        ),
        migrations.AddConstraint(
            model_name='objection',
            constraint=models.CheckConstraint(condition=models.Q(('proposed_by__isnull', True), ('reviewed_by__isnull', True), models.Q(('proposed_by', models.F('reviewed_by')), _negated=True), _connector='OR'), name='objections_reviewer_not_proposer'),
        ),
    ]
