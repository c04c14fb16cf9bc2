"""Commitment rules become rule rows: when each type of commitment is checked (履约践诺核查, working days after
signing), the commitment coverage targets of the Yichang 2020 work plan (第10条), and the time limit for a checking
department to remove a measure whose basis ended. fixtures/rules.json carries the same rows for new databases; this
migration adds them to existing ones."""

from datetime import date

from django.db import migrations

YICHANG_2020 = "宜信用办〔2020〕1号《宜昌市2020年社会信用体系建设工作要点》"
GUOBAN_42 = "国办发〔2020〕42号《关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》"

# (code, value, effective_from, source, note[, effective_to])
ROWS = [
    ("target.voluntary_commitment", 90, date(2020, 1, 1), f"{YICHANG_2020}第10条", "主动承诺型信用承诺覆盖90%以上市场主体"),
    ("target.industry_commitment", 90, date(2020, 1, 1), f"{YICHANG_2020}第10条", "行业自律型信用承诺覆盖90%以上市场主体"),
    ("target.approval_commitment", 100, date(2020, 1, 1), f"{YICHANG_2020}第10条", "审批替代型信用承诺覆盖100%告知承诺事项"),
    ("target.tolerance_commitment", 100, date(2020, 1, 1), f"{YICHANG_2020}第10条", "容缺受理型信用承诺覆盖100%行政审批事项"),
    (
        "commitment.check.approval_substitute",
        40,
        date(2020, 1, 1),
        f"{GUOBAN_42}（加强事中事后核查）",
        "审批替代型承诺签署后40个工作日内核查（本市配置值）",
    ),
    (
        "commitment.check.certification_notice",
        20,
        date(2020, 11, 1),
        f"{GUOBAN_42}（在规定期限内核查）",
        "证明事项告知承诺签署后20个工作日内核查（本市配置值）",
    ),
    (
        "commitment.check.tolerance_acceptance",
        10,
        date(2020, 1, 1),
        f"{YICHANG_2020}第10条（容缺受理）",
        "容缺材料应在约定期限内补齐，签署后10个工作日内核查（本市配置值）",
    ),
    (
        "commitment.check.voluntary_public",
        250,
        date(2020, 1, 1),
        f"{YICHANG_2020}第10条（主动型承诺）",
        "主动公示型承诺每年核查一次，约250个工作日（本市配置值）",
    ),
    (
        "commitment.check.industry_self_discipline",
        250,
        date(2020, 1, 1),
        f"{YICHANG_2020}第10条（行业自律型承诺）",
        "行业自律型承诺每年核查一次，约250个工作日（本市配置值）",
    ),
    (
        "commitment.check.credit_repair",
        60,
        date(2023, 5, 1),
        "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法（试行）》（修复后跟踪监管）",
        "信用修复承诺签署后60个工作日内核查是否再次失信（本市配置值）",
        date(2026, 3, 31),
    ),
    (
        "commitment.check.credit_repair",
        60,
        date(2026, 4, 1),
        "国家发展改革委令第36号《信用修复管理办法》（修复后跟踪监管）",
        "信用修复承诺签署后60个工作日内核查是否再次失信（本市配置值）",
    ),
    (
        "sanctions.removal",
        5,
        date(2020, 1, 1),
        f"{YICHANG_2020}第8条（修复后及时解除惩戒措施）",
        "依据失效后5个工作日内解除并确认（本市配置值）",
    ),
]
BLANK = {"record_kind": "", "severity": "", "sector": "", "region_code": ""}


def add(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    for code, value, effective_from, source, note, *until in ROWS:
        Rule.objects.update_or_create(
            code=code,
            effective_from=effective_from,
            **BLANK,
            defaults={"value": value, "effective_to": until[0] if until else None, "source": source, "note": note},
        )


def remove(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    for code, _value, effective_from, _source, _note, *_until in ROWS:
        Rule.objects.filter(code=code, effective_from=effective_from, **BLANK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0006_commitment_rule_codes"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
