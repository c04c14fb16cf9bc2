"""Reads of the sanctions app: the measures in force, which of them a subject's records trigger, and the access
function for credit checks."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.core import clock
from apps.core.audience import Audience
from apps.core.errors import ApplicationError
from apps.rules.selectors import RULE_MISSING, monthly_reporting_day
from apps.sanctions.models import (
    CaseReport,
    CheckFeedback,
    CreditCheck,
    Measure,
    MeasureRemoval,
    MeasureRemovalItem,
)
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


def credit_check_audience(*, user: User) -> Audience:
    """Who reads the list of checks: the credit office (every department's, without the officers' names) or the
    checking department's staff (their own, with who ran each)."""
    return Audience.OFFICE if user.has_perm("sanctions.view_creditcheck") else Audience.STAFF


def credit_check_row(check: CreditCheck) -> dict[str, Any]:
    """A check as a line of the list: what it was about, what it found (counts of the shared records and offered
    measures, as answered) and how far the department fed back. Reads the check's prefetched feedback."""
    offered = {measure["id"] for measure in check.answer.get("measures", [])}
    given = {f.measure_id: f.applied for f in check.feedback.all() if f.measure_id in offered}
    applied = sum(1 for value in given.values() if value)
    return {
        "id": check.pk,
        "uscc": check.uscc,
        "subject_name": check.subject.name if check.subject else None,
        "matter_type": check.matter_type,
        "matter_type_display": str(check.get_matter_type_display()),
        "matter_reference": check.matter_reference,
        "department": {"code": check.department.code, "name": check.department.name},
        "checked_at": check.created_at,
        "checked_by": str(check.checked_by),
        "on_serious_list": check.on_serious_list,
        "records": len(check.answer.get("records", [])),
        "measures": len(offered),
        "applied": applied,
        "not_applied": len(given) - applied,
        "no_feedback": len(offered) - len(given),
    }


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
    no_basis = ~Q(publication_status=NegativeRecord.PublicationStatus.PUBLISHED) | Q(
        repair_status=NegativeRecord.RepairStatus.REPAIRED
    )
    rows = NegativeRecord.objects.filter(no_basis, pk__in=set(record_ids)).values_list("pk", "subject_id")
    ended = {pk for pk, _subject in rows}  # a record still published and not repaired still supports its measures
    subject_ids = {subject_id for _pk, subject_id in rows}
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
    standing: dict[int, list[NegativeRecord]] = defaultdict(list)
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
        subject_id = feedback.credit_check.subject_id
        assert subject_id is not None  # a check is always of a subject
        supports = standing[subject_id]
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


# -- the monthly case report -----------------------------------------------------------------------------------------

# The departments report their joint-sanction cases to the credit office every month before the reporting day (the
# seed work plans' 23rd; rule row report.monthly_due_day, read through rules.monthly_reporting_day).


class MonthInvalid(ValueError):
    """A month parameter that is not YYYY-MM; its message is shown on the page."""


def month_parse(raw: str) -> date:
    """'2026-11' -> date(2026, 11, 1); anything else raises MonthInvalid with a message for the page."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        raise MonthInvalid(_("月份格式应为 2026-11。")) from None


def month_after(month: date) -> date:
    return clock.first_of_next_month(month)


def case_report_reporting_day(month: date) -> date:
    """The reporting day of `month`'s case report (rule report.monthly_due_day, the seeds' 23rd of the following
    month): the report is due before it, and missing from it on."""
    day = monthly_reporting_day(month=month)
    if day is None:
        raise ApplicationError(
            RULE_MISSING, _("没有适用于%(month)s的月度报送日规则。") % {"month": f"{month:%Y年%m月}"}, status_code=409
        )
    return day


def case_report_due_date(month: date) -> date:
    """The last day of the case report's time limit: the day before the reporting day ("每月23日前")."""
    return case_report_reporting_day(month) - timedelta(days=1)


def month_is_over(month: date, *, today: date) -> bool:
    return month_after(month) <= today


def case_report_departments() -> QuerySet[Department]:
    """Who must report: every active department except the credit office, which receives the reports."""
    return Department.objects.filter(is_active=True).exclude(sector=Department.Sector.CREDIT_OFFICE).order_by("code")


def _month_window(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    end_day = month_after(month)
    return start, datetime(end_day.year, end_day.month, 1, tzinfo=tz)


def case_report_figures(*, department: Department, month: date) -> dict[str, Any]:
    """The department's joint-sanction cases of the month: every check that found measures to apply, with what it
    fed back on each (applied, not applied, no feedback yet), the totals, and the removals it confirmed in the
    month. Labels are in the active language (the submit service renders them in the office's)."""
    start, end = _month_window(month)
    checks = list(
        CreditCheck.objects.filter(department=department, created_at__gte=start, created_at__lt=end)
        .select_related("subject")
        .prefetch_related("feedback__measure")
        .order_by("created_at", "id")
    )
    totals = dict.fromkeys(("checks", "hits", "on_serious_list", "offered", "applied", "not_applied", "no_feedback"), 0)
    cases = []
    for check in checks:
        totals["checks"] += 1
        totals["on_serious_list"] += check.on_serious_list
        offered = check.answer.get("measures", [])
        if not offered:
            continue
        totals["hits"] += 1
        given = {f.measure_id: f for f in check.feedback.all()}
        measures = []
        for measure in offered:
            feedback = given.get(measure["id"])
            if feedback is None:
                key, result = "no_feedback", _("未反馈")
            elif feedback.applied:
                key, result = "applied", _("已实施")
            else:
                key, result = "not_applied", _("未实施")
            totals["offered"] += 1
            totals[key] += 1
            measures.append(
                {
                    "code": measure["code"],
                    "title": measure["title"],
                    "legal_basis": measure["legal_basis"],
                    "result": str(result),
                    "note": feedback.note if feedback else "",
                }
            )
        cases.append(
            {
                "check": check.pk,
                "checked_on": timezone.localtime(check.created_at).date(),
                "subject_name": check.subject.name if check.subject else "",
                "uscc": check.uscc,
                "matter_type": str(check.get_matter_type_display()),
                "matter_reference": check.matter_reference,
                "on_serious_list": check.on_serious_list,
                "measures": measures,
            }
        )
    removals = [
        {
            "subject_name": removal.subject.name,
            "reason": str(removal.get_reason_display()),
            "measures": "；".join(f"{i.feedback.measure.code} {i.feedback.measure.title}" for i in removal.items.all()),
            "confirmed_on": timezone.localtime(removal.confirmed_at).date(),
        }
        for removal in MeasureRemoval.objects.filter(
            department=department, confirmed_at__gte=start, confirmed_at__lt=end
        )
        .select_related("subject")
        .prefetch_related("items__feedback__measure")
        .order_by("confirmed_at", "id")
    ]
    totals["removals_confirmed"] = len(removals)
    last_day = month_after(month) - timedelta(days=1)
    return {
        "month": month.strftime("%Y-%m"),
        "period_start": month,
        "period_end": last_day,
        "department": {"code": department.code, "name": department.name},
        "due_date": case_report_due_date(month),
        "totals": totals,
        "cases": cases,
        "removals": removals,
    }


def case_reports_visible_to(*, user: User) -> QuerySet[CaseReport]:
    """The credit office sees every department's reports; a department's staff their own."""
    if not user.is_authenticated:
        return CaseReport.objects.none()
    qs = CaseReport.objects.select_related("department", "submitted_by", "letter")
    if user.has_perm("sanctions.view_creditcheck"):
        return qs
    if user.department_id is None or not user.has_perm("sanctions.run_credit_check"):
        return qs.none()
    return qs.filter(department_id=user.department_id)


def case_report_department_for(*, user: User, department_code: str = "") -> Department:
    """The department whose report the user may read: the credit office any (by code), staff their own.
    Missing and forbidden are indistinguishable (Department.DoesNotExist)."""
    if user.is_authenticated and user.has_perm("sanctions.view_creditcheck") and department_code:
        department = case_report_departments().filter(code=department_code).first()
    elif user.is_authenticated and user.has_perm("sanctions.run_credit_check") and user.department_id:
        own = user.department
        department = own if own is not None and (not department_code or department_code == own.code) else None
    else:
        department = None
    if department is None:
        raise Department.DoesNotExist
    return department
