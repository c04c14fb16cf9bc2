"""Demo joint-sanctions checks (信用核查): officers of the ecology, tax and market departments check subjects that
another department put on the serious-dishonesty list, inside their own procedures, and feed back some measures;
a repaired subject whose checkers are asked to remove their measures; a submitted monthly case report.
On top of apps.demo.services.demo_seed (call that first).

Deterministic and idempotent: a check whose matter reference exists already is not run again.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.core.errors import ApplicationError
from apps.demo.repairs_demo import _work
from apps.repairs.models import Channel, RepairKind
from apps.repairs.services import repair_file
from apps.sanctions.models import CaseReport, CreditCheck, MatterType, MeasureRemoval
from apps.sanctions.services import (
    case_report_submit,
    credit_check_feedback,
    credit_check_run,
    measure_removal_confirm,
)
from apps.subjects.models import NegativeRecord, RecordKind, Severity, Subject
from apps.subjects.services import record_create, subject_create, subject_representative_add
from apps.subjects.uscc import make_uscc

# (officer, matter type, matter reference, feedback on the first measure offered: applied, note; None = none yet)
PLAN = [
    ("officer3", MatterType.ADMINISTRATIVE_APPROVAL, "宜环审〔2026〕41号", (True, "环评审批从严审查，不适用告知承诺")),
    ("officer3", MatterType.PROJECT_APPLICATION, "YCSTHJ-XM-2026-017", None),
    ("officer3", MatterType.HONOURS, "YCSTHJ-PX-2026-03", (True, "取消其环保先进单位评选资格")),
    ("officer2", MatterType.GOVERNMENT_PROCUREMENT, "YCSW-CG-2026-112", (True, "不予接受其投标")),
    ("officer1", MatterType.PUBLIC_RESOURCE_TRADING, "YCGGZY-2026-0588", (False, "项目已流标，未实际实施")),
]


def demo_seed_checks(*, today: date) -> dict[str, int]:
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    added = {"credit_checks": 0, "check_feedback": 0}
    for n, (username, matter_type, reference, feedback) in enumerate(PLAN):
        officer = User.objects.select_related("department").get(username=username)
        if CreditCheck.objects.filter(department=officer.department, matter_reference=reference).exists():
            continue
        listed = (
            NegativeRecord.objects.filter(
                kind=RecordKind.SERIOUS_DISHONESTY_LIST,
                publication_status=NegativeRecord.PublicationStatus.PUBLISHED,
            )
            .exclude(department=officer.department)
            .select_related("subject")
            .order_by("subject__uscc", "id")
        )
        records = list(listed[: len(PLAN)])
        if not records:
            break
        subject = records[n % len(records)].subject
        check = credit_check_run(
            uscc=subject.uscc, matter_type=matter_type, matter_reference=reference, acting_user=officer
        )
        added["credit_checks"] += 1
        measures = check.answer["measures"]
        if feedback is not None and measures:
            applied, note = feedback
            credit_check_feedback(
                credit_check=check, measure_id=measures[0]["id"], applied=applied, note=note, acting_user=officer
            )
            added["check_feedback"] += 1
    return added


REMOVAL_SUBJECT = ("宜昌伍家岗示范砂石有限公司", make_uscc("9", "1", "420503", "MA4XC501"))
# (officer, matter type, reference, measure applied?) on the removal subject before its repair
REMOVAL_CHECKS = [
    ("officer2", MatterType.PROJECT_APPLICATION, "YCSW-XM-2026-031", True),
    ("officer3", MatterType.PUBLIC_RESOURCE_TRADING, "YCGGZY-2026-0702", True),
    ("officer1", MatterType.FISCAL_SUPPORT, "YCSCJG-ZJ-2026-009", False),
]


@transaction.atomic
def demo_seed_removals(*, today: date) -> dict[str, int]:
    """A subject with a general penalty that the tax office and the ecology department checked and sanctioned is
    repaired: both are asked to remove their measures; ecology has confirmed, the tax office's is pending. The
    market regulator checked too but applied nothing, so it is not asked."""
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    name, uscc = REMOVAL_SUBJECT
    if Subject.objects.filter(uscc=uscc).exists():
        return {"measure_removals": 0}
    people = {
        u.username: u
        for u in User.objects.filter(username__in=["applicant2", "officer1", "officer2", "officer3", "reviewer1"])
    }
    market = Department.objects.get(code="YC-SCJG")
    subject = subject_create(uscc=uscc, name=name, region_code="420503", legal_representative="陈刚")
    subject_representative_add(subject=subject, user=people["applicant2"], capacity="经办人")
    record = record_create(
        subject=subject,
        kind=RecordKind.ADMINISTRATIVE_PENALTY,
        severity=Severity.GENERAL,
        department=market,
        decision_no=f"宜市监罚〔{today.year}〕SC01号",
        decision_date=today - timedelta(days=150),
        penalty_types=["罚款"],
        facts="超范围经营砂石开采",
        legal_basis="《中华人民共和国行政处罚法》",
        fine_amount=Decimal("50000.00"),
    )
    for username, matter_type, reference, applied in REMOVAL_CHECKS:
        officer = people[username]
        check = credit_check_run(uscc=uscc, matter_type=matter_type, matter_reference=reference, acting_user=officer)
        for measure in check.answer["measures"]:
            note = "已按清单实施" if applied else "经研究暂不实施"
            credit_check_feedback(
                credit_check=check, measure_id=measure["id"], applied=applied, note=note, acting_user=officer
            )
    case = repair_file(
        subject=subject,
        records=[record],
        kind=RepairKind.END_PUBLICATION,
        channel=Channel.ONLINE,
        acting_user=people["applicant2"],
        signer_name="陈刚",
        statement="罚款已缴清，已停止超范围经营并完成整改。",
        contact_name=people["applicant2"].display_name or "applicant2",
        contact_phone="0717-6222222",
    )
    officer, reviewer = people["officer1"], people["reviewer1"]
    _work(case, "intake", officer, {"decision": "accept"})
    _work(case, "verify", officer, {"obligations_fulfilled": True, "commitment_valid": True, "note": "罚款已缴清"})
    _work(case, "propose", officer, {"outcome": "approve", "reasons": "已纠正失信行为、履行法定义务，符合修复条件"})
    _work(case, "review", reviewer, {"outcome": "approve", "note": "同意修复"})
    _work(case, "stop_publication", officer, {"confirm": True})
    _work(case, "stop_sharing", officer, {"confirm": True})
    removals = list(MeasureRemoval.objects.filter(subject=subject).select_related("department"))
    for removal in removals:
        if removal.department.code == "YC-STHJ":
            measure_removal_confirm(removal=removal, acting_user=people["officer3"], note="已恢复其公共资源交易资格")
    return {"measure_removals": len(removals)}


def demo_seed_case_reports() -> dict[str, int]:
    """Last month's case report of the ecology department is submitted; the others' are not (yet)."""
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    officer = User.objects.select_related("department").get(username="officer3")
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    if CaseReport.objects.filter(department=officer.department, month=month).exists():
        return {"case_reports": 0}
    assert officer.department is not None  # officer3 belongs to a department
    case_report_submit(department=officer.department, month=month, acting_user=officer)
    return {"case_reports": 1}
