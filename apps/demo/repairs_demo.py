"""Demo repair cases in several states, worked through the same services and task handlers people use.

Deterministic and idempotent: each demo case belongs to its own demo record; a record that already has a case is
left alone. Call after demo_seed (it needs the departments and the demo users).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.accounts.models import Department, User
from apps.casework.cases import case_open_tasks
from apps.casework.models import Channel
from apps.casework.registry import task_handler_for
from apps.casework.services import task_complete
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.repairs.models import RepairCase, RepairKind, SanctionLift
from apps.repairs.services import repair_file, repair_supplement_answer, sanction_lift_confirm
from apps.sla.workdays import BUSINESS_TZ
from apps.subjects.models import NegativeRecord, RecordKind, Severity, Subject
from apps.subjects.services import record_create, subject_create, subject_representative_add
from apps.subjects.uscc import make_uscc

# (company, how far the case has gone, channel, days before `today` it was filed, the enterprise's representative)
PLAN = [
    ("宜昌夷陵鑫源建材有限公司", "intake", Channel.ONLINE, 1, "applicant1"),
    ("宜昌西陵恒达商贸有限公司", "supplement", Channel.ONLINE, 6, "applicant1"),
    ("宜昌长江华信物流有限公司", "verification", Channel.COUNTER, 4, "applicant1"),
    ("宜昌清江宏泰食品有限公司", "review", Channel.ONLINE, 9, "applicant1"),
    ("宜昌楚天金穗电子科技有限公司", "execution", Channel.ONLINE, 15, "applicant1"),
    ("宜昌三峡博远环保科技有限公司", "repaired", Channel.ONLINE, 30, "applicant1"),
    ("宜昌猇亭瑞丰装饰工程有限公司", "refused", Channel.COUNTER, 25, "applicant1"),
    # another enterprise's cases: applicant2 follows these and nothing of applicant1's
    ("宜昌点军锦程运输有限公司", "supplement", Channel.ONLINE, 5, "applicant2"),
    ("宜昌枝江永兴农业开发有限公司", "review", Channel.ONLINE, 8, "applicant2"),
]


def _work(case: RepairCase, step: str, user: User, payload: dict[str, Any]) -> None:
    task = next(t for t in case_open_tasks(case=case) if t.flow_task.name == step)
    handler = task_handler_for(task.flow_task)
    assert handler is not None, step  # every human step of the repair flow has a handler
    data = handler.input_serializer(data=payload)
    data.is_valid(raise_exception=True)
    task_complete(task=task, data=data.validated_data, acting_user=user)


def _subject_and_record(i: int, name: str, market: Department, tax: Department, applicant: User, today: date):
    uscc = make_uscc("9", "1", "420502", f"MA4XF{i:03d}")
    subject = Subject.objects.filter(uscc=uscc).first() or subject_create(
        uscc=uscc, name=name, region_code="420502", legal_representative="王伟", address="湖北省宜昌市西陵区演示路1号"
    )
    subject_representative_add(subject=subject, user=applicant, capacity="经办人")
    decision_no = f"宜市监罚〔{today.year - 1}〕XF{i:02d}号"
    record = NegativeRecord.objects.filter(department=market, decision_no=decision_no).first()
    if record is None:
        record = record_create(
            subject=subject,
            kind=RecordKind.ADMINISTRATIVE_PENALTY,
            severity=Severity.GENERAL,
            department=market,
            decision_no=decision_no,
            decision_date=today - timedelta(days=200),
            penalty_types=["罚款"],
            facts="未按规定公示年度报告",
            legal_basis="《中华人民共和国行政处罚法》",
            fine_amount=Decimal("20000.00"),
            sanctions=[(market, "从严审核行政许可"), (tax, "限制申请财政性资金项目")],
        )
    return subject, record


@transaction.atomic
def demo_seed_repairs(*, today: date) -> dict[str, int]:
    """Create the demo repair cases that are missing; returns {"repair_cases": how many were added}."""
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    market = Department.objects.get(code="YC-SCJG")
    tax = Department.objects.get(code="YC-SW")
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["applicant1", "applicant2", "clerk1", "officer1", "reviewer1", "officer2"]
        )
    }
    clerk, officer, reviewer = (people[n] for n in ("clerk1", "officer1", "reviewer1"))
    # Steps are worked "now" (task completion has no clock of its own), so filings must not lie in the future.
    anchor = min(today, clock.today())
    added = 0
    for i, (name, state, channel, days_ago, representative) in enumerate(PLAN, start=1):
        if representative not in people:
            continue
        subject, record = _subject_and_record(i, name, market, tax, people[representative], anchor)
        if record.repair_cases.exists():
            continue
        filed = datetime.combine(anchor - timedelta(days=days_ago), time(10, 0), tzinfo=BUSINESS_TZ)
        case = repair_file(
            subject=subject,
            records=[record],
            kind=RepairKind.END_PUBLICATION,
            channel=channel,
            acting_user=people[representative] if channel == Channel.ONLINE else clerk,
            signer_name="王伟" if representative == "applicant1" else "孙立军",
            statement="罚款已于规定期限内缴清，已补报年度报告并完成整改。",
            contact_name=people[representative].display_name or representative,
            contact_phone="0717-6000000" if representative == "applicant1" else "0717-6111111",
            at=filed,
        )
        added += 1
        if state == "intake":
            continue
        if state == "supplement":
            _work(
                case,
                "intake",
                officer,
                {"decision": "supplement", "missing_items": ["罚款缴纳凭证", "年度报告补报回执"]},
            )
            continue
        if state == "refused":
            _work(case, "intake", officer, {"decision": "accept"})
            _work(
                case,
                "verify",
                officer,
                {"obligations_fulfilled": False, "commitment_valid": True, "note": "罚款尚未缴清"},
            )
            _work(
                case, "propose", officer, {"outcome": "refuse", "reasons": "经核查，罚款尚未缴清，不符合信用修复条件"}
            )
            _work(case, "review", reviewer, {"outcome": "approve", "note": "同意"})
            continue
        if state == "verification":
            _work(case, "intake", officer, {"decision": "supplement", "missing_items": ["年度报告补报回执"]})
            repair_supplement_answer(case=case, uploads=[], note="已现场提交补报回执", acting_user=clerk)
            _work(case, "intake", officer, {"decision": "accept"})
            continue
        _work(case, "intake", officer, {"decision": "accept"})
        _work(case, "verify", officer, {"obligations_fulfilled": True, "commitment_valid": True, "note": "罚款已缴清"})
        _work(case, "propose", officer, {"outcome": "approve", "reasons": "已纠正失信行为、履行法定义务，符合修复条件"})
        if state == "review":
            continue
        _work(case, "review", reviewer, {"outcome": "approve", "note": "同意修复"})
        _work(case, "stop_publication", officer, {"confirm": True})
        if state == "execution":
            continue
        _work(case, "stop_sharing", officer, {"confirm": True})
        for lift in SanctionLift.objects.filter(case=case).select_related("department"):
            confirmer = officer if lift.department == market else people["officer2"]
            sanction_lift_confirm(lift=lift, acting_user=confirmer, note="已解除")
    return {"repair_cases": added}
