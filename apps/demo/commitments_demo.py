"""Demo credit commitments (信用承诺): every kind, each against a matter, recorded by officers of the market, tax and
ecology departments or signed online by applicant1; their fulfilment checks scheduled by the type's rule row (some
due, one overdue); the ecology department finds one broken, which becomes a negative record; two credit checks give
the commitment coverage rows of the monthly report a denominator. On top of apps.demo.services.demo_seed (call that
first).

Deterministic and idempotent: a commitment of a type and matter reference made already is not made again.
"""

from datetime import date, datetime, time, timedelta
from itertools import cycle

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.commitments.models import Commitment, CommitmentType, FulfilmentCheck
from apps.commitments.services import commitment_sign, fulfilment_check_record, text_version_in_force
from apps.core.errors import ApplicationError
from apps.sanctions.models import CreditCheck, MatterType
from apps.sanctions.services import credit_check_run
from apps.subjects.models import NegativeRecord, RecordKind, Subject

# (who records, whose subject: "own" = one applicant1 represents, "listed" = on the serious list, "other" = any;
#  type, matter type, matter reference, signer, days before the demo day, receiving department, outcome of its check:
#  None = still due, True = kept, str = broken with that note)
PLAN = [
    (
        "officer1",
        "other",
        CommitmentType.APPROVAL_SUBSTITUTE,
        MatterType.COMMITMENT_APPROVAL,
        "宜市监告承〔2026〕101号",
        "刘建国",
        75,
        "YC-SCJG",
        True,
    ),
    (
        "officer1",
        "other",
        CommitmentType.APPROVAL_SUBSTITUTE,
        MatterType.COMMITMENT_APPROVAL,
        "宜市监告承〔2026〕118号",
        "何丽",
        20,
        "YC-SCJG",
        None,
    ),
    (
        "officer2",
        "other",
        CommitmentType.CERTIFICATION_NOTICE,
        MatterType.CERTIFICATION,
        "YCSW-ZM-2026-031",
        "孙伟",
        12,
        "YC-SW",
        None,
    ),
    (
        "officer3",
        "other",
        CommitmentType.TOLERANCE_ACCEPTANCE,
        MatterType.ADMINISTRATIVE_APPROVAL,
        "宜环审〔2026〕52号",
        "马超",
        40,
        "YC-STHJ",
        "逾期未补交容缺材料（环评批复原件），经催告仍未补齐",
    ),
    (
        "officer3",
        "other",
        CommitmentType.TOLERANCE_ACCEPTANCE,
        MatterType.ADMINISTRATIVE_APPROVAL,
        "宜环审〔2026〕57号",
        "高峰",
        25,
        "YC-STHJ",
        None,
    ),
    (
        "applicant1",
        "own",
        CommitmentType.VOLUNTARY_PUBLIC,
        "public_pledge",
        "2026年度诚信经营公开承诺",
        "张敏",
        30,
        "YC-SCJG",
        None,
    ),
    (
        "applicant1",
        "own",
        CommitmentType.INDUSTRY_SELF_DISCIPLINE,
        "industry_association",
        "宜昌市建材行业协会自律公约",
        "张敏",
        15,
        "YC-SCJG",
        None,
    ),
    (
        "officer1",
        "listed",
        CommitmentType.CREDIT_REPAIR,
        "credit_repair",
        "宜信修承〔2026〕9号",
        "陈刚",
        45,
        "YC-SCJG",
        None,
    ),
]
# Credit checks in the matters above, so the coverage rows have matters to count (one without its commitment).
CHECKS = [
    ("officer1", MatterType.COMMITMENT_APPROVAL, "宜市监告承〔2026〕118号"),
    ("officer3", MatterType.ADMINISTRATIVE_APPROVAL, "宜环审〔2026〕57号"),
    ("officer3", MatterType.ADMINISTRATIVE_APPROVAL, "宜环审〔2026〕60号"),
]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


@transaction.atomic
def demo_seed_commitments(*, today: date) -> dict[str, int]:
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    people = {
        u.username: u
        for u in User.objects.select_related("department").filter(
            username__in=["applicant1", "officer1", "officer2", "officer3"]
        )
    }
    departments = {d.code: d for d in Department.objects.filter(code__in=["YC-SCJG", "YC-SW", "YC-STHJ"])}
    own = list(Subject.objects.filter(representatives=people["applicant1"]).order_by("uscc")[:2])
    listed = list(
        Subject.objects.filter(
            operating_status=Subject.OperatingStatus.OPERATING,
            records__kind=RecordKind.SERIOUS_DISHONESTY_LIST,
            records__publication_status=NegativeRecord.PublicationStatus.PUBLISHED,
        )
        .distinct()
        .order_by("uscc")[:1]
    )
    others = list(
        Subject.objects.filter(operating_status=Subject.OperatingStatus.OPERATING)
        .exclude(pk__in=[s.pk for s in own + listed])
        .order_by("uscc")[:8]
    )
    added = {"commitments": 0, "fulfilment_checks_recorded": 0, "commitment_credit_checks": 0}
    if not own or not others:
        return added
    # a small demo world may have nobody on the list: the repair commitment then goes to another subject
    pick = {"own": cycle(own), "listed": cycle(listed or others[::-1]), "other": cycle(others)}
    subject_of: dict[str, Subject] = {}
    for who, pool, type, matter_type, reference, signer, days, department, outcome in PLAN:
        subject = next(pick[pool])
        made = Commitment.objects.filter(type=type, matter_reference=reference).select_related("subject").first()
        if made is not None:  # made by an earlier run (the subjects picked may differ since)
            subject_of[reference] = made.subject
            continue
        subject_of[reference] = subject
        user = people[who]
        signed_on = today - timedelta(days=days)
        commitment = commitment_sign(
            subject=subject,
            text_version=text_version_in_force(type=type, on=signed_on),
            signer_name=signer,
            signer_capacity="法定代表人" if pool != "own" else "经办人",
            signed_at=_moment(signed_on),
            acting_user=user,
            signer_user=user if pool == "own" else None,
            matter_type=matter_type,
            matter_reference=reference,
            department=departments[department],
            channel=Commitment.Channel.PORTAL if pool == "own" else Commitment.Channel.STAFF,
        )
        added["commitments"] += 1
        check = commitment.fulfilment_checks.filter(status=FulfilmentCheck.Status.DUE).first()
        if outcome is None or check is None:
            continue
        checker = people["officer1"] if department == "YC-SCJG" else people["officer3"]
        fulfilled = outcome is True
        note = "已按承诺在期限内补齐材料，经核查属实" if fulfilled else str(outcome)
        fulfilment_check_record(check=check, fulfilled=fulfilled, note=note, acting_user=checker)
        added["fulfilment_checks_recorded"] += 1
    for who, matter_type, reference in CHECKS:
        officer = people[who]
        subject = subject_of.get(reference) or others[-1]
        if CreditCheck.objects.filter(department=officer.department, matter_reference=reference).exists():
            continue
        credit_check_run(uscc=subject.uscc, matter_type=matter_type, matter_reference=reference, acting_user=officer)
        added["commitment_credit_checks"] += 1
    return added
