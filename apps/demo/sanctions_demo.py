"""Demo joint-sanctions checks (信用核查): officers of the ecology, tax and market departments check subjects that
another department put on the serious-dishonesty list, inside their own procedures, and feed back some measures.
On top of apps.demo.services.demo_seed (call that first).

Deterministic and idempotent: a check whose matter reference exists already is not run again.
"""

from datetime import date

from django.conf import settings

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.sanctions.models import CreditCheck, MatterType
from apps.sanctions.services import credit_check_feedback, credit_check_run
from apps.subjects.models import NegativeRecord, RecordKind

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
