"""Reads of the sanctions app: the measures in force, which of them a subject's records trigger, and the access
function for credit checks."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from apps.accounts.models import Department, User
from apps.sanctions.models import CreditCheck, Measure
from apps.subjects.models import NegativeRecord


def measures_in_force(*, on: date) -> QuerySet[Measure]:
    return Measure.objects.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def measure_triggered_by(measure: Measure, record: NegativeRecord) -> bool:
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
    *, records: Iterable[NegativeRecord], matter_type: str, department: Department, on: date
) -> tuple[list[NegativeRecord], list[tuple[Measure, list[NegativeRecord]]]]:
    """The records that bear on the matter type (they trigger a measure of the lists for it in the department's
    region) and the measures the department applies, each with the records that trigger it."""
    records = list(records)
    in_region = [
        m
        for m in measures_in_force(on=on).order_by("source_list", "code")
        if matter_type in m.matter_types and department.region_code.startswith(m.region_code)
    ]
    bearing = [r for r in records if any(measure_triggered_by(m, r) for m in in_region)]
    applying: list[tuple[Measure, list[NegativeRecord]]] = []
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
