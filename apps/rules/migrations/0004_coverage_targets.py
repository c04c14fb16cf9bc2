"""The monthly report's coverage targets become rule rows (they were constants in apps/reports/monthly.py): a value in
percent of the row's denominator, in force from the work plan that set it, with that plan as the source.
fixtures/rules.json carries the same rows for new databases; this migration adds them to existing ones."""

from datetime import date

from django.db import migrations, models

YICHANG_2020 = "宜信用办〔2020〕1号《宜昌市2020年社会信用体系建设工作要点》"
XUANCHENG_2021 = "宣信用办〔2021〕8号《宣城市2021年社会信用体系建设工作要点》"
XINGSHAN_2024 = "兴信用办〔2024〕1号《兴山县2024年社会信用体系建设工作要点》"

# (code, percent, effective_from, source, note)
ROWS = [
    (
        "target.repair_commitment",
        100,
        date(2020, 1, 1),
        f"{YICHANG_2020}第10条",
        "失信修复型承诺覆盖100%在运营的黑名单主体",
    ),
    (
        "target.repair_training",
        50,
        date(2020, 1, 1),
        f"{YICHANG_2020}第14条",
        "信用修复培训覆盖面达到在运营黑名单主体总量的50%以上",
    ),
    (
        "target.credit_report",
        80,
        date(2020, 1, 1),
        f"{YICHANG_2020}第14条",
        "运营黑名单主体80%提交信用报告",
    ),
    (
        "target.removed_after_repair",
        30,
        date(2020, 1, 1),
        f"{YICHANG_2020}第8条",
        "经整改后退出黑名单比例达到在运营黑名单主体总量的30%",
    ),
    (
        "target.listed_share",
        1,
        date(2021, 1, 1),
        XUANCHENG_2021,
        "被列入严重失信主体名单的企业数量占注册企业数量比例低于1%",
    ),
    (
        "target.double_publicity",
        100,
        date(2020, 1, 1),
        f"{YICHANG_2020}第12条",
        "行政许可、行政处罚等信用信息7个工作日内全量规范公示",
    ),
    (
        "target.objection_on_time",
        100,
        date(2024, 1, 1),
        f"{XINGSHAN_2024}第3条",
        "异议协同处理时间在5个工作日以内完成",
    ),
    (
        "target.two_documents",
        100,
        date(2024, 1, 1),
        f"{XINGSHAN_2024}第12条",
        "落实“两书同达”，向企业送达行政处罚决定书同时送达信用修复提醒函",
    ),
]
BLANK = {"record_kind": "", "severity": "", "sector": "", "region_code": ""}


def add(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    for code, value, effective_from, source, note in ROWS:
        Rule.objects.update_or_create(
            code=code,
            effective_from=effective_from,
            **BLANK,
            defaults={"value": value, "effective_to": None, "source": source, "note": note},
        )


def remove(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    for code, _value, effective_from, _source, _note in ROWS:
        Rule.objects.filter(code=code, effective_from=effective_from, **BLANK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0003_objection_mark_order_36"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rule",
            name="code",
            field=models.CharField(
                choices=[
                    ("publication.min_months", "最短公示期（月）"),
                    ("publication.max_months", "最长公示期（月）"),
                    ("repair.portal_answer", "信用网站答复时限（工作日）"),
                    ("repair.intake", "受理审查时限（工作日）"),
                    ("repair.supplement_answer", "补正答复期限（工作日）"),
                    ("repair.department_decision", "认定部门决定时限（工作日）"),
                    ("repair.execution", "修复结果执行时限（工作日）"),
                    ("repair.min_interval_months", "两次修复最短间隔（月）"),
                    ("repair.max_in_window", "期间内最多修复次数"),
                    ("repair.window_years", "修复次数统计期间（年）"),
                    ("repair.not_repairable", "不可修复（1=不可修复）"),
                    ("repair.requires_training", "须参加信用修复培训（1=需要）"),
                    ("repair.requires_credit_report", "须提交信用报告（1=需要）"),
                    ("objection.mark", "异议标注时限（工作日）"),
                    ("objection.close", "异议办结时限（工作日）"),
                    ("sla.due_soon", "临期提醒提前量（工作日）"),
                    ("disclosure.double_publicity", "双公示上网时限（工作日）"),
                    ("target.repair_commitment", "目标：名单内在营主体签署信用修复承诺（%，不低于）"),
                    ("target.repair_training", "目标：名单内在营主体参加信用修复培训（%，不低于）"),
                    ("target.credit_report", "目标：名单内在营主体提交信用报告（%，不低于）"),
                    ("target.removed_after_repair", "目标：经整改修复移出名单（%，不低于）"),
                    ("target.listed_share", "目标：严重失信主体占在营市场主体比例（%，低于）"),
                    ("target.double_publicity", "目标：双公示按时公示（%，不低于）"),
                    ("target.objection_on_time", "目标：异议按期办结（%，不低于）"),
                    ("target.two_documents", "目标：两书同达（%，不低于）"),
                ],
                db_index=True,
                max_length=64,
                verbose_name="规则",
            ),
        ),
        migrations.RunPython(add, remove),
    ]
