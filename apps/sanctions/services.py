"""Writes of the sanctions app: running a credit check, recording the feedback on a measure it offered, and the
removal of applied measures whose basis ended."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.commitments.selectors import commitment_shared_view, commitments_in_force
from apps.core import clock
from apps.core.errors import ApplicationError, ConflictError
from apps.core.i18n import office_language
from apps.core.models import normalise_data
from apps.core.services import case_event_record
from apps.letters.models import TemplateCode
from apps.letters.services import letter_create
from apps.notifications import services as notifications
from apps.rules.models import RuleCode
from apps.rules.selectors import rule_in_force_or_none
from apps.sanctions.models import (
    CaseReport,
    CheckFeedback,
    CreditCheck,
    MatterType,
    Measure,
    MeasureRemoval,
    MeasureRemovalItem,
)
from apps.sanctions.selectors import (
    applied_measures_losing_basis,
    case_report_departments,
    case_report_due_date,
    case_report_figures,
    case_report_reporting_day,
    feedback_triggers,
    measures_for_check,
    month_is_over,
)
from apps.sla.workdays import add_working_days
from apps.subjects.models import NegativeRecord
from apps.subjects.selectors import record_shared_view, subject_find, subject_on_serious_list, subject_public_records


def measure_shared_view(measure: Measure, triggers: list[NegativeRecord]) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "code": measure.code,
        "list": measure.source_list,
        "list_display": str(measure.get_source_list_display()),
        "title": measure.title,
        "legal_basis": measure.legal_basis,
        "triggered_by": [record.pk for record in triggers],
    }


@transaction.atomic
def credit_check_run(*, uscc: str, matter_type: str, matter_reference: str, acting_user: User) -> CreditCheck:
    """Check a subject inside one of the acting department's procedures. The answer holds the subject's published
    records that bear on the matter, the measures of the lists the department applies for it, and the subject's
    commitments in force; the check and its answer are recorded with an audit row."""
    department = acting_user.department
    if department is None or not acting_user.has_perm("sanctions.run_credit_check"):
        raise ApplicationError("forbidden", _("只有部门工作人员可以开展信用核查。"), status_code=403)
    if matter_type not in MatterType.values:
        raise ApplicationError("invalid", _("事项类型无效。"), fields={"matter_type": [_("事项类型无效。")]})
    today = clock.today()
    subject = subject_find(uscc=uscc)
    records, commitments, on_list = [], [], False
    if subject is not None:
        records = list(subject_public_records(subject=subject))
        commitments = [commitment_shared_view(c) for c in commitments_in_force(subject=subject)]
        on_list = subject_on_serious_list(subject=subject)
    bearing, applying = measures_for_check(records=records, matter_type=matter_type, department=department, on=today)
    check = CreditCheck(
        uscc=uscc,
        subject=subject,
        matter_type=matter_type,
        matter_reference=matter_reference,
        department=department,
        checked_by=acting_user,
        on_serious_list=on_list,
        answer={
            "records": [record_shared_view(r) for r in bearing],
            "measures": [measure_shared_view(m, triggers) for m, triggers in applying],
            "commitments": commitments,
        },
    )
    check.full_clean()
    check.save()
    check.measures.set([m for m, _triggers in applying])
    data = {
        "uscc": uscc,
        "department": department.code,
        "matter_type": matter_type,
        "matter_reference": matter_reference,
        "on_serious_list": on_list,
        "records": [r.pk for r in bearing],
        "measures": [m.code for m, _triggers in applying],
    }
    case_event_record(case=check, kind="credit_check_run", acting_user=acting_user, data=data)
    if subject is not None:  # the subject's joint-sanctions case log
        case_event_record(
            case=subject, kind="credit_checked", acting_user=acting_user, data={"check": check.pk, **data}
        )
    return check


@transaction.atomic
def credit_check_feedback(
    *, credit_check: CreditCheck, measure_id: int, applied: bool, note: str, acting_user: User
) -> CheckFeedback:
    """Record whether the department applied a measure its check offered. A measure the check did not offer (so
    not on the lists for that subject and matter) is refused; each measure is fed back once."""
    measure = credit_check.measures.filter(pk=measure_id).first()
    if measure is None:
        message = _("措施 %(id)s 不在本次核查给出的惩戒措施清单内。") % {"id": measure_id}
        raise ApplicationError("measure_not_offered", message, fields={"measure": [message]})
    if CheckFeedback.objects.filter(credit_check=credit_check, measure=measure).exists():
        raise ConflictError(
            "feedback_exists",
            _("该措施已反馈过实施情况。"),
            fields={"measure": [_("该措施已反馈过实施情况。")]},
        )
    feedback = CheckFeedback(
        credit_check=credit_check, measure=measure, applied=applied, note=note, given_by=acting_user
    )
    feedback.full_clean()
    feedback.save()
    data = {"check": credit_check.pk, "measure": measure.code, "applied": applied, "note": note}
    case_event_record(case=credit_check, kind="measure_feedback", acting_user=acting_user, data=data)
    if credit_check.subject_id is not None:
        case_event_record(
            case_type="subjects.subject",
            case_id=credit_check.subject_id,
            kind="sanction_feedback",
            acting_user=acting_user,
            data={"department": credit_check.department.code, **data},
        )
    return feedback


# -- measures whose basis ended -------------------------------------------------------------------------------------


def measure_removal_due_date(*, at: datetime) -> date | None:
    """The day a removal task notified at `at` is due: the working days of the rule row sanctions.removal in force
    that day, counted by the working-day calendar; None when no row is in force (no time limit, never overdue)."""
    notified_on = clock.business_date(at)
    rule = rule_in_force_or_none(code=RuleCode.SANCTIONS_REMOVAL, on=notified_on)
    return None if rule is None else add_working_days(notified_on, rule.value)


@transaction.atomic
def measure_removals_open(
    *, record_ids: list[int], reason: str, acting_user: User | None = None
) -> list[MeasureRemoval]:
    """The records' basis ended (repaired, expired, deleted): every department that checked the subject in the last
    year and applied a measure that no record supports any more gets one removal task for this event, naming its
    measures, with an audit row on the task and in the subject's case log, and a notification. A measure is asked
    to be removed once, whichever event (publication stopped, repair closed) comes first."""
    at = timezone.now()
    losing = applied_measures_losing_basis(record_ids=record_ids, at=at)
    by_department: dict[tuple[Department, int], list[CheckFeedback]] = defaultdict(list)
    for feedback in losing:
        check = feedback.credit_check
        assert check.subject_id is not None  # a check is always of a subject
        by_department[(check.department, check.subject_id)].append(feedback)
    ended = NegativeRecord.objects.filter(
        pk__in={f_pk for f in losing for f_pk in feedback_triggers(f)} & set(record_ids)
    )
    ended = ended.select_related("subject").order_by("id")
    removals = []
    for (department, subject_id), items in sorted(by_department.items(), key=lambda kv: (kv[0][0].code, kv[0][1])):
        removal = MeasureRemoval.objects.create(
            department=department, subject_id=subject_id, reason=reason, due_date=measure_removal_due_date(at=at)
        )
        records = [r for r in ended if r.subject_id == subject_id]
        removal.records.set(records)
        MeasureRemovalItem.objects.bulk_create(MeasureRemovalItem(removal=removal, feedback=f) for f in items)
        data = {
            "removal": removal.pk,
            "department": department.code,
            "reason": reason,
            "records": [r.pk for r in records],
            "measures": [f.measure.code for f in items],
            "checks": sorted({f.credit_check_id for f in items}),
            "due_date": removal.due_date,
        }
        case_event_record(case=removal, kind="measure_removal_requested", acting_user=acting_user, data=data)
        case_event_record(
            case_type="subjects.subject",
            case_id=subject_id,
            kind="sanction_removal_requested",
            acting_user=acting_user,
            data=data,
        )
        notifications.measure_removal_notify(
            department=department,
            checkers=[f.credit_check.checked_by for f in items],
            removal_id=removal.pk,
            case_type=removal._meta.label_lower,
            subject_name=records[0].subject.name,
            reason=str(removal.get_reason_display()),
            records=[r.decision_no for r in records],
            measures=list(dict.fromkeys(f"{f.measure.code} {f.measure.title}" for f in items)),
            url=reverse("sanctions-removals"),
        )
        removals.append(removal)
    return removals


def record_basis_ended_receive(
    sender: Any, *, record_ids: list[int], reason: str, acting_user: User | None = None, **kwargs: Any
) -> None:
    """Receiver of apps.subjects.signals.record_basis_ended (connected in SanctionsConfig.ready)."""
    measure_removals_open(record_ids=list(record_ids), reason=reason, acting_user=acting_user)


@transaction.atomic
def measure_removal_confirm(*, removal: MeasureRemoval, acting_user: User, note: str = "") -> MeasureRemoval:
    """The checking department confirms it removed the measures (as a sanctioning department confirms a lift)."""
    if not (acting_user.has_perm("sanctions.run_credit_check") and acting_user.department_id == removal.department_id):
        raise ApplicationError("forbidden", _("只有核查部门的工作人员可以确认解除。"), status_code=403)
    removal = MeasureRemoval.objects.select_for_update(of=("self",)).get(pk=removal.pk)
    if removal.status != MeasureRemoval.Status.PENDING:
        raise ConflictError("wrong_status", _("本部门已确认解除这些惩戒措施。"), extra={"status": removal.status})
    removal.status = MeasureRemoval.Status.CONFIRMED
    removal.confirmed_at, removal.confirmed_by, removal.note = timezone.now(), acting_user, (note or "")[:2000]
    removal.save(update_fields=["status", "confirmed_at", "confirmed_by", "note", "updated_at"])
    data = {"removal": removal.pk, "department": removal.department.code, "note": removal.note}
    case_event_record(case=removal, kind="measure_removal_confirmed", acting_user=acting_user, data=data)
    case_event_record(
        case_type="subjects.subject",
        case_id=removal.subject_id,
        kind="sanction_removal_confirmed",
        acting_user=acting_user,
        data=data,
    )
    return removal


# -- the monthly case report -----------------------------------------------------------------------------------------


@transaction.atomic
def case_report_submit(*, department: Department, month: date, acting_user: User) -> CaseReport:
    """The department reports its joint-sanction cases of `month` to the credit office: the figures as they stand
    now are snapshotted into the report and its PDF letter (rendered after commit). Once per department and month;
    the month must be over."""
    if not (acting_user.has_perm("sanctions.run_credit_check") and acting_user.department_id == department.pk):
        raise ApplicationError("forbidden", _("只有本部门工作人员可以报送本部门的案例月报。"), status_code=403)
    month = month.replace(day=1)
    if not month_is_over(month, today=timezone.localdate()):
        message = _("%(month)s 尚未结束，案例月报须在月份结束后报送。") % {"month": f"{month.year}年{month.month}月"}
        raise ApplicationError("month_not_ended", message, fields={"month": [message]})
    already = ConflictError(
        "case_report_exists", _("本部门该月的案例月报已报送。"), fields={"month": [_("该月已报送。")]}
    )
    if CaseReport.objects.filter(department=department, month=month).exists():
        raise already
    with office_language():  # an official document: its labels are the office's language
        figures = normalise_data(case_report_figures(department=department, month=month))
    report = CaseReport(
        department=department,
        month=month,
        figures=figures,
        submitted_by=acting_user,
        due_date=case_report_due_date(month),
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise already from None  # a concurrent submission won
    report.letter = letter_create(
        template_code=TemplateCode.SANCTION_CASE_REPORT,
        owner=report,
        recipient=None,
        context=figures,
        department=department,
        acting_user=acting_user,
    )
    report.save(update_fields=["letter", "updated_at"])
    case_event_record(
        case=report,
        kind="case_report_submitted",
        acting_user=acting_user,
        data={
            "department": department.code,
            "month": figures["month"],
            "late": report.late,
            "letter": report.letter.pk,
            "totals": figures["totals"],
        },
    )
    return report


def case_reports_flag_missing(*, today: date | None = None) -> int:
    """The scheduled job: from the 23rd, each department that has not reported last month's cases is flagged to
    the credit office (a breach notification to its monitors, once per department and month however often the job
    runs). Returns how many departments were newly flagged."""
    today = today or timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if today < case_report_reporting_day(month):
        return 0
    reported = set(CaseReport.objects.filter(month=month).values_list("department_id", flat=True))
    flagged = 0
    for department in case_report_departments():
        if department.pk in reported:
            continue
        with transaction.atomic():
            sent = notifications.case_report_missing_notify(
                department=department,
                month=month,
                due_date=case_report_due_date(month),
                url=f"{reverse('sanctions-case-reports')}?month={month:%Y-%m}",
            )
            if sent:
                flagged += 1
                case_event_record(
                    case=department,
                    kind="case_report_missing_flagged",
                    data={"month": f"{month:%Y-%m}", "notified": [n.recipient_id for n in sent]},
                )
    return flagged
