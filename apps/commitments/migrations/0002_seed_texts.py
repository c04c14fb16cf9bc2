"""The commitment text catalogue (承诺书文本). Administrators add new versions in the admin."""

from datetime import date

from django.db import migrations

REPAIR_BODY = (
    "本单位（人）郑重承诺：\n"
    "一、已纠正失信行为，履行行政处罚决定等法定义务，消除不良社会影响；\n"
    "二、申请信用修复时提交的全部材料真实、合法、有效，不存在隐瞒、伪造、篡改等情形；\n"
    "三、自觉接受有关部门和社会监督，今后依法诚信经营，不再发生同类失信行为；\n"
    "四、如违反上述承诺，自愿接受撤销信用修复决定、恢复公示并将违诺情况记入信用记录等处理，依法承担相应法律责任。"
)
OBJECTION_BODY = (
    "本单位（人）郑重承诺：所提出的异议申请及提交的证明材料真实、准确、完整，不存在恶意异议、虚构事实等情形；"
    "如有不实，自愿承担由此产生的法律责任，并同意将相关情况记入信用记录。"
)
TEXTS = [
    {
        "code": "XYXF-2023",
        "type": "credit_repair",
        "domain": "business",
        "scenario": "credit_repair",
        "title": "信用修复承诺书",
        "body": REPAIR_BODY,
        "effective_from": date(2023, 5, 1),
        "effective_to": date(2026, 3, 31),
        "source": "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法（试行）》",
        "violation_severity": "serious",
        "violation_legal_basis": "国家发展改革委令第58号第二十条：提供虚假材料、作出虚假承诺的，撤销修复决定，恢复公示",
    },
    {
        "code": "XYXF-2026",
        "type": "credit_repair",
        "domain": "business",
        "scenario": "credit_repair",
        "title": "信用修复承诺书",
        "body": REPAIR_BODY,
        "effective_from": date(2026, 4, 1),
        "effective_to": None,
        "source": "国家发展改革委令第36号《信用修复管理办法》；国办发〔2025〕22号",
        "violation_severity": "serious",
        "violation_legal_basis": "国家发展改革委令第36号：以虚假承诺等不正当手段获得信用修复的，撤销修复决定并恢复公示，违诺情况记入信用记录",
    },
    {
        "code": "YYSS-2023",
        "type": "objection_appeal",
        "domain": "business",
        "scenario": "objection",
        "title": "异议申诉承诺书",
        "body": OBJECTION_BODY,
        "effective_from": date(2023, 5, 1),
        "effective_to": None,
        "source": "国家发展改革委令第58号；宜昌市社会信用体系建设工作要点",
        "violation_severity": "general",
        "violation_legal_basis": "恶意提出异议、虚构事实的，违诺情况记入信用记录",
    },
    {
        "code": "ZMSX-2020",
        "type": "certification_notice",
        "domain": "government",
        "scenario": "certification",
        "title": "证明事项告知承诺书",
        "body": "本人（单位）已知晓行政机关告知的全部内容，确认符合告知的条件、标准和要求，愿意承担不实承诺的法律责任。",
        "effective_from": date(2020, 11, 1),
        "effective_to": None,
        "source": "国办发〔2020〕42号《关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》",
        "violation_severity": "general",
        "violation_legal_basis": "国办发〔2020〕42号：虚假承诺的，依法终止办理、撤销相关决定并记入信用记录",
    },
    {
        "code": "SPTD-2020",
        "type": "approval_substitute",
        "domain": "government",
        "scenario": "administrative_approval",
        "title": "审批替代型信用承诺书",
        "body": "本单位承诺符合审批事项规定的条件，在规定期限内补齐材料并接受核查；如有不实，自愿承担撤销审批等法律责任。",
        "effective_from": date(2020, 1, 1),
        "effective_to": None,
        "source": "宜昌市社会信用体系建设工作要点",
        "violation_severity": "general",
        "violation_legal_basis": "宜昌市社会信用体系建设工作要点（信用承诺制）",
    },
    {
        "code": "RQSL-2020",
        "type": "tolerance_acceptance",
        "domain": "government",
        "scenario": "administrative_approval",
        "title": "容缺受理承诺书",
        "body": "本单位承诺在约定期限内补交容缺材料，所补材料与承诺内容一致；逾期未补或内容不符的，自愿承担相应责任。",
        "effective_from": date(2020, 1, 1),
        "effective_to": None,
        "source": "宜昌市社会信用体系建设工作要点",
        "violation_severity": "minor",
        "violation_legal_basis": "宜昌市社会信用体系建设工作要点（容缺受理）",
    },
    {
        "code": "ZDGS-2020",
        "type": "voluntary_public",
        "domain": "business",
        "scenario": "supervision",
        "title": "主动型信用承诺书（公示）",
        "body": "本单位自愿向社会公开承诺依法诚信经营，承诺内容在信用网站公示，接受社会监督。",
        "effective_from": date(2020, 1, 1),
        "effective_to": None,
        "source": "宜昌市社会信用体系建设工作要点",
        "violation_severity": "general",
        "violation_legal_basis": "宜昌市社会信用体系建设工作要点（主动型承诺）",
    },
    {
        "code": "HYZL-2020",
        "type": "industry_self_discipline",
        "domain": "social",
        "scenario": "industry",
        "title": "行业自律型信用承诺书",
        "body": "本单位承诺遵守行业协会章程和自律公约，诚信经营，接受行业协会和社会监督。",
        "effective_from": date(2020, 1, 1),
        "effective_to": None,
        "source": "宜昌市社会信用体系建设工作要点",
        "violation_severity": "minor",
        "violation_legal_basis": "行业自律公约",
    },
]


def seed(apps, schema_editor):
    Version = apps.get_model("commitments", "CommitmentTextVersion")
    for text in TEXTS:
        Version.objects.update_or_create(code=text["code"], defaults=text)


def unseed(apps, schema_editor):
    apps.get_model("commitments", "CommitmentTextVersion").objects.filter(code__in=[t["code"] for t in TEXTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
