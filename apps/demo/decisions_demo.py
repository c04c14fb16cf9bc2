"""Demo 两书同达: recent penalty decisions with their repair notices, most delivered together with the notice, one
delivered without it (it shows up in /api/v1/decisions/without-notice and on the monthly figures page), one not
delivered yet. On top of apps.demo.services.demo_seed (call that first).

Deterministic and idempotent: a decision already registered is left as it is.
"""

from datetime import date, timedelta

from django.conf import settings

from apps.accounts.models import Department, User
from apps.core.errors import ApplicationError
from apps.decisions.models import DeliveryMethod, PenaltyDecision
from apps.decisions.services import decision_delivery_record, decision_register
from apps.subjects.models import RecordKind, Subject

# (days before `today` decided, severity, delivery: "with" the notice, "without" it, or None = not yet)
PLAN = [
    (12, "general", "with"),
    (11, "minor", "with"),
    (10, "general", "with"),
    (9, "serious", "with"),
    (8, "general", "without"),
    (7, "general", "with"),
    (6, "minor", "with"),
    (5, "general", "with"),
    (3, "general", None),
]
FACTS = [
    "销售不符合食品安全标准的食品。",
    "未按规定公示年度报告。",
    "发布虚假广告。",
    "未取得许可从事经营活动。",
]


def demo_seed_decisions(*, today: date) -> dict[str, int]:
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    market = Department.objects.get(code="YC-SCJG")
    officer = User.objects.get(username="officer1")
    subjects = list(
        Subject.objects.filter(type=Subject.Type.ENTERPRISE, operating_status=Subject.OperatingStatus.OPERATING)
        .exclude(representatives__isnull=False)
        .order_by("uscc")[: len(PLAN) * 7 : 7]
    )
    added = 0
    for n, ((days, severity, delivery), subject) in enumerate(zip(PLAN, subjects, strict=False), start=1):
        decision_no = f"宜市监处罚〔{(today - timedelta(days=days)).year}〕{9000 + n}号"
        if PenaltyDecision.objects.filter(
            department=market, decision_no=decision_no, kind=RecordKind.ADMINISTRATIVE_PENALTY
        ).exists():
            continue
        decided = today - timedelta(days=days)
        # The notice is rendered after this commit (in-process in embedded mode), before it is delivered below.
        decision = decision_register(
            department=market,
            kind=RecordKind.ADMINISTRATIVE_PENALTY,
            decision_no=decision_no,
            decision_date=decided,
            uscc=subject.uscc,
            subject_name=subject.name,
            severity=severity,
            penalty_types=["警告", "罚款"],
            facts=FACTS[n % len(FACTS)],
            legal_basis="《中华人民共和国行政处罚法》",
            acting_user=officer,
        )
        added += 1
        if delivery is not None:
            decision_delivery_record(
                decision=PenaltyDecision.objects.get(pk=decision.pk),
                method=DeliveryMethod.DIRECT if delivery == "without" else DeliveryMethod.MAIL,
                delivered_on=decided + timedelta(days=1),
                receipt="" if delivery == "without" else f"EMS98765{n:05d}CN",
                notice_delivered=False if delivery == "without" else None,
                acting_user=officer,
            )
    return {"decisions": added}
