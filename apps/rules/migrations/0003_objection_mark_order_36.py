"""The objection-mark rule row cited NDRC Order 58 with no end: it ends on 2026-03-31 and Order 36 carries it from
2026-04-01, like every other row of the two orders (fixtures/rules.json has both rows for new databases)."""

from datetime import date

from django.db import migrations

ORDER_58 = "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法（试行）》"
ORDER_36 = "国家发展改革委令第36号《信用修复管理办法》"
KEY = {"code": "objection.mark", "record_kind": "", "severity": "", "sector": "", "region_code": ""}


def version(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    Rule.objects.filter(**KEY, effective_from=date(2023, 5, 1)).update(effective_to=date(2026, 3, 31))
    Rule.objects.update_or_create(
        **KEY,
        effective_from=date(2026, 4, 1),
        defaults={"value": 1, "effective_to": None, "source": ORDER_36, "note": "收到异议申请后即时标注"},
    )


def unversion(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    Rule.objects.filter(**KEY, effective_from=date(2026, 4, 1)).delete()
    Rule.objects.filter(**KEY, effective_from=date(2023, 5, 1)).update(effective_to=None, source=ORDER_58)


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_seed_rules")]
    operations = [migrations.RunPython(version, unversion)]
