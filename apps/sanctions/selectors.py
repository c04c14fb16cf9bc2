"""Reads of the sanctions app: the measures in force, which of them a subject's records trigger, and the access
function for credit checks."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet

from apps.accounts.models import Department, User
from apps.sanctions.models import CheckFeedback, CreditCheck, Measure, MeasureRemoval, MeasureRemovalItem
from apps.subjects.models import NegativeRecord


def measures_in_force(*, on: date) -> QuerySet[Measure]:
    return Measure.objects.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def measure_triggered_by(measure: Measure, record) -> bool:
    return record.kind in measure.record_kinds and record.severity in measure.severities


def measure_applies_to(measure: Measure, *, matter_type: str, department: Department) -> bool:
    """A measure applies to a matter of this type handled by this department: the matter type is listed, the
    department's sector may apply it (empty: any), and the department lies in the measure's region (empty: all)."""
    return (
        matter_type in measure.matter_types
        and (not measure.sectors or department.sector in measure.sectors)
        and department.region_code.startswith(measure.region_code)
    )


def measures_for_check(
    *, records: Iterable, matter_type: str, department: Department, on: date
) -> tuple[list, list[tuple[Measure, list]]]:
    """The records that bear on the matter type (they trigger a measure of the lists for it in the department's
    region) and the measures the department applies, each with the records that trigger it."""
    records = list(records)
    in_region = [
        m
        for m in measures_in_force(on=on).order_by("source_list", "code")
        if matter_type in m.matter_types and department.region_code.startswith(m.region_code)
    ]
    bearing = [r for r in records if any(measure_triggered_by(m, r) for m in in_region)]
    applying = []
    for measure in in_region:
        if not measure_applies_to(measure, matter_type=matter_type, department=department):
            continue
        triggers = [r for r in bearing if measure_triggered_by(measure, r)]
        if triggers:
            applying.append((measure, triggers))
    return bearing, applying


def credit_checks_visible_to(*, user: User) -> QuerySet[CreditCheck]:
    """The credit office (and administrators) see every department's checks; a department its own."""
    if not user.is_authenticated:
        return CreditCheck.objects.none()
    qs = CreditCheck.objects.select_related("department", "subject", "checked_by").prefetch_related(
        "feedback__measure", "feedback__given_by"
    )
    if user.has_perm("sanctions.view_creditcheck"):
        return qs
    if user.department_id is None or not user.has_perm("sanctions.run_credit_check"):
        return qs.none()
    return qs.filter(department_id=user.department_id)


def access_credit_check_by_id(*, user: User, check_id: int, for_feedback: bool = False) -> CreditCheck:
    """The only way an interface obtains a check. Feedback comes only from the department that checked.
    Missing and forbidden are indistinguishable."""
    check = credit_checks_visible_to(user=user).filter(pk=check_id).first()
    if check is None:
        raise CreditCheck.DoesNotExist
    if for_feedback and not (user.has_perm("sanctions.run_credit_check") and user.department_id == check.department_id):
        raise CreditCheck.DoesNotExist
    return check


# -- measures whose basis ended -------------------------------------------------------------------------------------

# A department that checked a subject within this many days is told when a measure it applied loses its basis.
CHECK_LOOKBACK_DAYS = 365


def feedback_triggers(feedback: CheckFeedback) -> set[int]:
    """The records that triggered the applied measure, as the check was answered."""
    for offered in feedback.credit_check.answer.get("measures", []):
        if offered.get("id") == feedback.measure_id:
            return set(offered.get("triggered_by", []))
    return set()


def applied_measures_losing_basis(*, record_ids: Iterable[int], at: datetime) -> list[CheckFeedback]:
    """The applied measures (feedback applied=true on a check of the last year) that one of `record_ids` triggered
    and that no record of the subject still supports: every record that triggered it, and every other record that
    would trigger it now, is no longer published (or is repaired). Measures already asked to be removed are left
    out. Call inside the transaction that ended the records; the feedback rows are locked."""
    ended = set(record_ids)
    subject_ids = set(NegativeRecord.objects.filter(pk__in=ended).values_list("subject_id", flat=True))
    if not subject_ids:
        return []
    candidates = list(
        CheckFeedback.objects.select_for_update(of=("self",))
        .filter(
            applied=True,
            credit_check__subject_id__in=subject_ids,
            credit_check__created_at__gte=at - timedelta(days=CHECK_LOOKBACK_DAYS),
        )
        .select_related("credit_check__department", "credit_check__checked_by", "measure")
        .order_by("id")
    )
    asked = set(
        MeasureRemovalItem.objects.filter(feedback__in=candidates).values_list("feedback_id", flat=True)
    )  # read after the lock: a concurrent event's items are committed by now
    standing: dict[int, list] = defaultdict(list)
    for record in (
        NegativeRecord.objects.filter(
            subject_id__in=subject_ids, publication_status=NegativeRecord.PublicationStatus.PUBLISHED
        )
        .exclude(repair_status=NegativeRecord.RepairStatus.REPAIRED)
        .exclude(pk__in=ended)
    ):
        standing[record.subject_id].append(record)
    losing = []
    for feedback in candidates:
        if feedback.pk in asked:
            continue
        triggers = feedback_triggers(feedback)
        if not triggers & ended:
            continue  # this event does not concern the measure
        supports = standing[feedback.credit_check.subject_id]
        if any(record.pk in triggers or measure_triggered_by(feedback.measure, record) for record in supports):
            continue
        losing.append(feedback)
    return losing


def measure_removals_visible_to(*, user: User) -> QuerySet[MeasureRemoval]:
    """The credit office sees every department's removal tasks; a department's checking staff their own."""
    if not user.is_authenticated:
        return MeasureRemoval.objects.none()
    qs = MeasureRemoval.objects.select_related("department", "subject", "confirmed_by").prefetch_related(
        "records", "items__feedback__measure", "items__feedback__credit_check"
    )
    if user.has_perm("sanctions.view_creditcheck"):
        return qs
    if user.department_id is None or not user.has_perm("sanctions.run_credit_check"):
        return qs.none()
    return qs.filter(department_id=user.department_id)


def access_measure_removal_by_id(*, user: User, removal_id: int) -> MeasureRemoval:
    """The only way an interface obtains a removal task. Missing and forbidden are indistinguishable."""
    removal = measure_removals_visible_to(user=user).filter(pk=removal_id).first()
    if removal is None:
        raise MeasureRemoval.DoesNotExist
    return removal
