"""The monthly report's reporting day becomes a rule row: the departments report by the 23rd of each month, and a
report still missing on that day is a breach notice to the credit office (apps.reports.services). Source: the
Yichang 2020 work plan, 第14条 ("每月23日将修复情况反馈市信用办，由市信用办每月统计上报"; 第13条 and the publicity item
set the same day). fixtures/rules.json carries the same row for new databases; this migration adds it to existing
ones."""

from datetime import date

from django.db import migrations, models

ROW = {
    "code": "report.monthly_due_day",
    "effective_from": date(2020, 1, 1),
    "record_kind": "",
    "severity": "",
    "sector": "",
    "region_code": "",
}
VALUES = {
    "value": 23,
    "effective_to": None,
    "source": "宜信用办〔2020〕1号《宜昌市2020年社会信用体系建设工作要点》第14条",
    "note": "每月23日将修复情况反馈市信用办，由市信用办每月统计上报",
}


def add(apps, schema_editor):
    apps.get_model("rules", "Rule").objects.update_or_create(**ROW, defaults=VALUES)


def remove(apps, schema_editor):
    apps.get_model("rules", "Rule").objects.filter(**ROW).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('rules', '0004_coverage_targets'),
    ]

    operations = [
        migrations.AlterField(
            model_name='rule',
            name='code',
            field=models.CharField(choices=[('publication.min_months', '最短公示期（月）'), ('publication.max_months', '最长公示期（月）'), ('repair.portal_answer', '信用网站答复时限（工作日）'), ('repair.intake', '受理审查时限（工作日）'), ('repair.supplement_answer', '补正答复期限（工作日）'), ('repair.department_decision', '认定部门决定时限（工作日）'), ('repair.execution', '修复结果执行时限（工作日）'), ('repair.min_interval_months', '两次修复最短间隔（月）'), ('repair.max_in_window', '期间内最多修复次数'), ('repair.window_years', '修复次数统计期间（年）'), ('repair.not_repairable', '不可修复（1=不可修复）'), ('repair.requires_training', '须参加信用修复培训（1=需要）'), ('repair.requires_credit_report', '须提交信用报告（1=需要）'), ('objection.mark', '异议标注时限（工作日）'), ('objection.close', '异议办结时限（工作日）'), ('sla.due_soon', '临期提醒提前量（工作日）'), ('disclosure.double_publicity', '双公示上网时限（工作日）'), ('report.monthly_due_day', '月度报告报送日（每月几日前）'), ('target.repair_commitment', '目标：名单内在营主体签署信用修复承诺（%，不低于）'), ('target.repair_training', '目标：名单内在营主体参加信用修复培训（%，不低于）'), ('target.credit_report', '目标：名单内在营主体提交信用报告（%，不低于）'), ('target.removed_after_repair', '目标：经整改修复移出名单（%，不低于）'), ('target.listed_share', '目标：严重失信主体占在营市场主体比例（%，低于）'), ('target.double_publicity', '目标：双公示按时公示（%，不低于）'), ('target.objection_on_time', '目标：异议按期办结（%，不低于）'), ('target.two_documents', '目标：两书同达（%，不低于）')], db_index=True, max_length=64, verbose_name='规则'),
        ),
        migrations.RunPython(add, remove),
    ]
