"""Writes of the sanctions app: running a credit check and recording the feedback on a measure it offered."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.commitments.selectors import commitment_shared_view, commitments_in_force
from apps.core import clock
from apps.core.errors import ApplicationError, ConflictError
from apps.core.services import case_event_record
from apps.sanctions.models import CheckFeedback, CreditCheck, MatterType, Measure
from apps.sanctions.selectors import measures_for_check
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
