"""Demo data: one city (宜昌市), its departments, the demo users, ~200 subjects and their records.

Two enterprises' representatives: applicant1 (subjects 1-4 and the demo repair cases) and applicant2 (subjects 5-7
and two repair cases of its own); neither sees the other's filings.

Deterministic (a seeded random generator) and idempotent: a second run finds everything and adds nothing.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from apps.accounts.models import Department, Role, User
from apps.accounts.services import department_create, user_create
from apps.core.errors import ApplicationError
from apps.letters.models import Letterhead
from apps.letters.services import letterhead_set
from apps.subjects.models import NegativeRecord, RecordKind, Severity, Subject
from apps.subjects.services import record_create, subject_create, subject_representative_add
from apps.subjects.uscc import ALPHABET, make_uscc

DEMO_PASSWORD = "demo-pass-2026"
# The demo world is dated: records and cases are placed relative to this day, so a re-run adds nothing twice.
DEMO_TODAY = date(2026, 11, 20)
CITY = "420500"
COUNTIES = ["420502", "420503", "420504", "420505", "420506", "420525", "420526", "420527", "420528", "420529"]
# (code, name, sector, 机关代字: the abbreviation that starts the department's document numbers, 宜市监〔2026〕1号)
DEPARTMENTS = [
    ("YC-XYB", "宜昌市发展和改革委员会（市信用办）", Department.Sector.CREDIT_OFFICE, "宜信用办"),
    ("YC-SCJG", "宜昌市市场监督管理局", Department.Sector.MARKET_REGULATION, "宜市监"),
    ("YC-SW", "国家税务总局宜昌市税务局", Department.Sector.TAX, "宜市税"),
    ("YC-STHJ", "宜昌市生态环境局", Department.Sector.ECOLOGY, "宜市环"),
    ("YC-ZJ", "宜昌市住房和城乡建设局", Department.Sector.HOUSING, "宜市建"),
    ("YC-RS", "宜昌市人力资源和社会保障局", Department.Sector.HUMAN_RESOURCES, "宜人社"),
]
USERS = [
    ("applicant1", Role.APPLICANT, None, "张敏"),
    ("applicant2", Role.APPLICANT, None, "孙悦"),  # another enterprise: sees none of applicant1's filings
    ("clerk1", Role.CLERK, "YC-XYB", "李娜"),
    ("officer1", Role.OFFICER, "YC-SCJG", "王强"),
    ("reviewer1", Role.REVIEWER, "YC-SCJG", "刘洋"),
    ("head1", Role.HEAD, "YC-SCJG", "郑华"),
    ("monitor1", Role.MONITOR, "YC-XYB", "陈静"),
    ("trainer1", Role.TRAINER, "YC-XYB", "杨帆"),
    ("admin", Role.ADMIN, None, "系统管理员"),
    ("officer2", Role.OFFICER, "YC-SW", "赵磊"),
    ("reviewer2", Role.REVIEWER, "YC-SW", "黄丽"),
    ("officer3", Role.OFFICER, "YC-STHJ", "周杰"),
]
NAME_HEADS = [
    "三峡",
    "夷陵",
    "西陵",
    "长江",
    "清江",
    "楚天",
    "宜都",
    "当阳",
    "枝江",
    "远安",
    "兴山",
    "秭归",
    "长阳",
    "五峰",
    "猇亭",
    "点军",
]
NAME_MIDS = [
    "鑫源",
    "恒达",
    "华信",
    "宏泰",
    "金穗",
    "博远",
    "瑞丰",
    "盛世",
    "汇通",
    "嘉禾",
    "锦程",
    "天成",
    "联创",
    "永兴",
    "润泽",
    "新阳",
]
INDUSTRIES = [
    "建筑工程",
    "商贸",
    "物流",
    "食品",
    "化工",
    "电子科技",
    "餐饮管理",
    "房地产开发",
    "建材",
    "环保科技",
    "医药",
    "农业开发",
    "运输",
    "装饰工程",
]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
FACTS: dict[str, tuple[str, ...]] = {
    Department.Sector.MARKET_REGULATION: ("未按规定公示年度报告", "销售不符合食品安全标准的食品", "虚假宣传"),
    Department.Sector.TAX: ("未按期申报纳税", "虚开增值税发票", "逃避追缴欠税"),
    Department.Sector.ECOLOGY: ("超标排放大气污染物", "未批先建", "危险废物未按规定贮存"),
    Department.Sector.HOUSING: ("未取得施工许可证擅自施工", "违法分包", "拖欠农民工工资"),
    Department.Sector.HUMAN_RESOURCES: ("拖欠劳动报酬", "未依法缴纳社会保险费"),
}
SANCTIONS = [
    "限制参加政府采购",
    "限制取得政府供应土地",
    "限制申请财政性资金项目",
    "不得评为文明单位",
    "从严审核行政许可",
    "限制发行债券",
]


def _org_body(rng: random.Random) -> str:
    letters = [c for c in ALPHABET if c.isalpha()]
    return "MA" + rng.choice("4567") + "".join(rng.choice(letters + list("0123456789")) for _ in range(5))


@transaction.atomic
def demo_seed(*, subjects: int = 200, today: date | None = None) -> dict[str, int]:
    """Create what is missing of the demo world and report how many rows of each kind were added."""
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    today = today or DEMO_TODAY
    rng = random.Random(20260401)  # noqa: S311  demo data, not security
    added = {"departments": 0, "users": 0, "subjects": 0, "records": 0}

    depts: dict[str, Department] = {}
    for code, name, sector, abbreviation in DEPARTMENTS:
        dept = Department.objects.filter(code=code).first()
        if dept is None:
            dept = department_create(code=code, name=name, region_code=CITY, sector=sector)
            added["departments"] += 1
        if not Letterhead.objects.filter(department=dept).exists():
            # Before any demo letter: its document number starts with the 机关代字, never the department code.
            letterhead_set(department=dept, abbreviation=abbreviation)
        depts[code] = dept

    for username, role, dept_code, display in USERS:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                department=depts.get(dept_code or ""),
                display_name=display,
            )
            added["users"] += 1
    applicant = User.objects.get(username="applicant1")
    applicant2 = User.objects.get(username="applicant2")

    deciding = [d for d in depts.values() if d.sector != Department.Sector.CREDIT_OFFICE]
    for i in range(subjects):
        region = COUNTIES[i % len(COUNTIES)]
        uscc = make_uscc("9", "1", region, _org_body(rng))
        name = f"宜昌{rng.choice(NAME_HEADS)}{rng.choice(NAME_MIDS)}{rng.choice(INDUSTRIES)}{rng.choice(FORMS)}"
        subject_type = Subject.Type.ENTERPRISE
        operating = Subject.OperatingStatus.OPERATING if rng.random() > 0.08 else Subject.OperatingStatus.REVOKED
        registered = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 6500))
        representative = rng.choice("王李张刘陈杨黄赵周吴") + rng.choice(
            ["伟", "芳", "军", "敏", "静", "磊", "洋", "勇"]
        )
        address = f"湖北省宜昌市{rng.choice(['西陵区', '伍家岗区', '点军区', '猇亭区', '夷陵区'])}{rng.choice(NAME_HEADS)}路{rng.randrange(1, 300)}号"
        n_records = rng.choice([0, 1, 1, 1, 2, 2, 3])
        record_plan = []
        for j in range(n_records):
            dept = rng.choice(deciding)
            kind = rng.choices(
                [
                    RecordKind.ADMINISTRATIVE_PENALTY,
                    RecordKind.SERIOUS_DISHONESTY_LIST,
                    RecordKind.ABNORMAL_OPERATION,
                    RecordKind.OTHER,
                ],
                weights=[60, 12, 20, 8],
            )[0]
            severity = Severity.SERIOUS if kind == RecordKind.SERIOUS_DISHONESTY_LIST else rng.choice(list(Severity))
            decided = today - timedelta(days=rng.randrange(20, 1000))
            record_plan.append((dept, kind, severity, decided, j))

        subject = Subject.objects.filter(uscc=uscc).first()
        if subject is None:
            subject = subject_create(
                uscc=uscc,
                name=name,
                type=subject_type,
                region_code=region,
                operating_status=operating,
                legal_representative=representative,
                address=address,
                registered_on=registered,
            )
            added["subjects"] += 1
        if i < 4:
            subject_representative_add(subject=subject, user=applicant, capacity="经办人")
        elif i < 7:
            subject_representative_add(subject=subject, user=applicant2, capacity="经办人")

        for dept, kind, severity, decided, j in record_plan:
            decision_no = f"宜{dept.code.split('-')[1]}罚〔{decided.year}〕{1000 + i * 5 + j}号"
            sanctions = []
            if kind == RecordKind.SERIOUS_DISHONESTY_LIST or severity == Severity.SERIOUS:
                for other in rng.sample(list(depts.values()), k=rng.choice([2, 3])):
                    sanctions.append((other, rng.choice(SANCTIONS)))
            fine = Decimal(rng.randrange(1, 200) * 1000) if kind == RecordKind.ADMINISTRATIVE_PENALTY else None
            facts = rng.choice(FACTS.get(dept.sector, ("违反相关规定",)))
            if NegativeRecord.objects.filter(department=dept, decision_no=decision_no, kind=kind).exists():
                continue
            record_create(
                subject=subject,
                kind=kind,
                severity=severity,
                department=dept,
                decision_no=decision_no,
                decision_date=decided,
                penalty_types=["罚款"] if kind == RecordKind.ADMINISTRATIVE_PENALTY else [],
                facts=facts,
                legal_basis="《中华人民共和国行政处罚法》",
                fine_amount=fine,
                sanctions=sanctions,
            )
            added["records"] += 1
    return added
