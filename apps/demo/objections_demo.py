"""Demo objection cases in several states, on top of apps.demo.services.demo_seed (call that first).

Deterministic and idempotent: the cases are made once (a second run finds them and adds nothing).
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.accounts.models import User
from apps.casework.cases import case_open_tasks
from apps.casework.models import Channel
from apps.casework.services import task_complete
from apps.core.errors import ApplicationError
from apps.objections.handlers import ReviewInput, VerifyInput
from apps.objections.models import Ground, Objection
from apps.objections.services import objection_file
from apps.sla.workdays import BUSINESS_TZ, subtract_working_days
from apps.subjects.models import NegativeRecord
from apps.subjects.selectors import subjects_visible_to

# (ground, statement, working days before `today` it was filed, steps after filing)
# (ground, statement, working days before today, [(step, payload), ...])
SCENARIOS: list[tuple[str, str, int, list[tuple[str, dict[str, Any]]]]] = [
    (Ground.ERROR, "处罚决定书载明的罚款金额与公示金额不一致，请予核实更正。", 1, []),
    (
        Ground.PAST_PERIOD,
        "该信息公示期已满，仍在网站公示。",
        3,
        [("verify", {"action": "request_material", "request": "请提供处罚决定书及罚款缴纳凭证扫描件。"})],
    ),
    (
        Ground.DIFFERS_FROM_AUTHORITY,
        "公示的违法事实与处罚决定书记载不一致。",
        2,
        [
            (
                "verify",
                {
                    "outcome": "corrected",
                    "reasons": "经核对处罚决定书原件，违法事实登记有误。",
                    "corrections": {"facts": "未按规定期限公示年度报告（已补报）"},
                },
            )
        ],
    ),
    (
        Ground.ERROR,
        "我单位对该处罚信息的主体名称有异议。",
        15,
        [
            ("verify", {"outcome": "kept", "reasons": "经核查，处罚决定书及送达回证记载的主体信息准确，予以维持。"}),
            ("review", {"approve": True, "comment": "同意维持。"}),
        ],
    ),
    (
        Ground.DUPLICATE,
        "同一违法行为被重复公示两条信息。",
        20,
        [
            ("verify", {"outcome": "deleted", "reasons": "经核查，该信息与另一条信息为同一决定的重复归集，予以删除。"}),
            ("review", {"approve": True, "comment": "同意删除。"}),
        ],
    ),
    (
        Ground.SHOULD_NOT_PUBLISH,
        "该处罚属于轻微违法，依规不应公示。",
        10,
        [
            (
                "verify",
                {
                    "outcome": "unconfirmed",
                    "reasons": "原始案卷已移交档案部门，暂无法核实处罚裁量情况。",
                    "finding": "案卷调阅中，暂无法确认是否属于轻微违法不予公示情形。",
                },
            ),
            ("review", {"approve": True}),
        ],
    ),
]


def _step(objection: Objection, node: str, payload: dict, user: User) -> None:
    task = case_open_tasks(case=objection).first()  # a case has one open human step at a time
    serializer = (VerifyInput if node == "verify" else ReviewInput)(data=payload)
    serializer.is_valid(raise_exception=True)
    task_complete(task=task, data=serializer.validated_data, acting_user=user)
    objection.refresh_from_db()


@transaction.atomic
def demo_seed_objections(*, today: date) -> dict[str, int]:
    """Objection cases of the demo world: one in verification, one waiting for material (clock paused), one in
    review, and closed ones with the outcomes 维持, 删除 and 无法确认 (each with its reply letter)."""
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    if Objection.objects.exists():
        return {"objections": 0}
    users = {u.username: u for u in User.objects.filter(username__in=["applicant1", "clerk1", "officer1", "reviewer1"])}
    if len(users) < 4:
        return {"objections": 0}
    applicant, clerk, officer, reviewer = users["applicant1"], users["clerk1"], users["officer1"], users["reviewer1"]
    own = set(subjects_visible_to(user=applicant).filter(representatives=applicant).values_list("pk", flat=True))
    candidates = list(
        NegativeRecord.objects.filter(
            department=officer.department,
            publication_status=NegativeRecord.PublicationStatus.PUBLISHED,
            objection_status=NegativeRecord.ObjectionStatus.NONE,
        )
        .select_related("subject")
        .order_by("id")
    )
    candidates.sort(key=lambda r: (r.subject_id not in own, r.pk))  # the demo applicant's own records first
    made = 0
    for (ground, statement, days_before, steps), record in zip(SCENARIOS, candidates, strict=False):
        filed_on = subtract_working_days(today, days_before)
        filed_at = datetime.combine(filed_on, time(9, 30), tzinfo=BUSINESS_TZ)
        online = record.subject_id in own
        filing = objection_file(
            record=record,
            subject=record.subject,
            ground=ground,
            statement=statement,
            channel=Channel.ONLINE if online else Channel.COUNTER,
            applicant=applicant if online else None,
            contact_name="" if online else record.subject.legal_representative,
            commitment_signer_name=record.subject.legal_representative or "经办人",
            acting_user=applicant if online else clerk,
            filed_at=filed_at,
        )
        for node, payload in steps:
            _step(filing.objection, node, payload, officer if node == "verify" else reviewer)
        made += 1
    _join_as_another_enterprise(applicant=applicant)
    return {"objections": made}


def _join_as_another_enterprise(*, applicant: User) -> None:
    """applicant2's enterprise objects to the same record as applicant1's case in verification: it joins that case
    as a party, and each of them sees only its own filing (statement, contact, signer, evidence)."""
    other = User.objects.filter(username="applicant2").first()
    subject = subjects_visible_to(user=other).filter(representatives=other).order_by("uscc").first() if other else None
    case = (
        Objection.objects.filter(status=Objection.Status.VERIFYING, applicant=applicant)
        .select_related("record")
        .order_by("id")
        .first()
    )
    if other is None or subject is None or case is None or case.record.subject_id == subject.pk:
        return
    objection_file(
        record=case.record,
        subject=subject,
        ground=Ground.DUPLICATE,
        statement="该信息与本单位被公示的另一条信息系同一违法行为，属重复公示。",
        channel=Channel.ONLINE,
        applicant=other,
        contact_name=other.display_name or other.username,
        contact_phone="0717-6111111",
        commitment_signer_name="孙立军",
        acting_user=other,
        filed_at=case.filed_at + timedelta(hours=2),
    )
