"""Reads of the repairs app and its access functions: the only ways an interface obtains a case or a lift."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from apps.casework.selectors import case_documents, case_notices, case_open_tasks
from apps.core.selectors import case_events
from apps.repairs.models import RepairCase, RepairProcess, SanctionLift
from apps.sla.models import Deadline
from apps.sla.selectors import deadlines_for_owner
from apps.subjects.models import NegativeRecord, Subject

VIEW = "repairs.view_repaircase"
WORK = "repairs.work_repaircase"


def _base() -> QuerySet[RepairCase]:
    return RepairCase.objects.select_related("subject", "department", "filed_by", "step_deadline", "commitment")


def user_may_act_for(*, user: Any, subject: Subject) -> bool:
    return user.has_perm("subjects.act_for_subject", subject)


def access_repaircase_by_id(*, user: Any, case_id: int, perm: str = VIEW) -> RepairCase:
    """Global viewers (monitor, admin), the case's department (guardian object permission), the subject's
    representatives and the counter clerk who filed it may see a case. Missing and forbidden look the same."""
    case = _base().filter(pk=case_id).first()
    if case is None or not user.is_authenticated:
        raise RepairCase.DoesNotExist
    if user.has_perm(perm) or user.has_perm(perm, case):
        return case
    if perm == VIEW and (case.filed_by_id == user.pk or user_may_act_for(user=user, subject=case.subject)):
        return case
    raise RepairCase.DoesNotExist


def access_case_for_casework(*, user: Any, case_id: int) -> RepairCase:
    return access_repaircase_by_id(user=user, case_id=case_id)


def repairs_visible_to(*, user: Any) -> QuerySet[RepairCase]:
    if not user.is_authenticated:
        return RepairCase.objects.none()
    if user.has_perm(VIEW):
        return _base()
    by_department = get_objects_for_user(user, VIEW, klass=RepairCase, accept_global_perms=False, with_superuser=False)
    own_subjects = get_objects_for_user(
        user, "subjects.act_for_subject", klass=Subject, accept_global_perms=False, with_superuser=False
    )
    return _base().filter(
        Q(pk__in=by_department.values("pk")) | Q(subject__in=own_subjects.values("pk")) | Q(filed_by=user)
    )


def case_process(*, case: RepairCase) -> RepairProcess | None:
    content_type = ContentType.objects.get_for_model(RepairCase)
    return RepairProcess.objects.filter(artifact_content_type=content_type, artifact_object_id=case.pk).first()


def case_records(*, case: RepairCase) -> QuerySet[NegativeRecord]:
    return case.records.select_related("department").prefetch_related("sanctions__department").order_by("id")


def case_deadlines(*, case: RepairCase) -> QuerySet[Deadline]:
    return deadlines_for_owner(owner_type=case._meta.label_lower, owner_id=case.pk).order_by("started_at", "id")


def case_lifts(*, case: RepairCase) -> QuerySet[SanctionLift]:
    return case.lifts.select_related("department", "confirmed_by").prefetch_related("sanctions")


def case_letters(*, case: RepairCase) -> list[Any]:
    from apps.letters.selectors import letters_for_owner

    return list(letters_for_owner(owner=case))


def case_history(*, case: RepairCase) -> QuerySet:
    return case_events(case=case).select_related("actor")


def case_current_tasks(*, case: RepairCase) -> list[Any]:
    return list(case_open_tasks(case=case))


def lifts_visible_to(*, user: Any) -> QuerySet[SanctionLift]:
    """Global viewers see every lift; a department's staff the lifts their department must confirm."""
    qs = SanctionLift.objects.select_related("case__subject", "department").prefetch_related(Prefetch("sanctions"))
    if not user.is_authenticated:
        return qs.none()
    if user.has_perm("repairs.view_sanctionlift"):
        return qs
    return get_objects_for_user(
        user, "repairs.view_sanctionlift", klass=qs, accept_global_perms=False, with_superuser=False
    )


def access_sanctionlift_by_id(*, user: Any, lift_id: int, perm: str = "repairs.view_sanctionlift") -> SanctionLift:
    lift = SanctionLift.objects.select_related("case__subject", "department").filter(pk=lift_id).first()
    if lift is None or not user.is_authenticated or not (user.has_perm(perm) or user.has_perm(perm, lift)):
        raise SanctionLift.DoesNotExist
    return lift


def case_summary(case: RepairCase) -> dict[str, Any]:
    """The small description task lists and the subject page show."""
    return {
        "type": "repair",
        "id": case.pk,
        "label": case.reference or str(case.pk),
        "reference": case.reference,
        "subject": case.subject.name,
        "uscc": case.subject.uscc,
        "department": case.department.name,
        "kind": case.get_kind_display(),
        "status": case.status,
        "current_step": case.get_status_display(),
        "due_date": case.due_date,
        "step_due_date": case.step_due_date,
        "provisional": case.due_provisional,
        "url": f"/api/v1/repairs/{case.pk}",
    }


def subject_repair_cases(user: Any, subject: Subject) -> list[dict[str, Any]]:
    """Subject case provider (apps.core.registry): the subject's repair cases the user may see."""
    return [case_summary(case) for case in repairs_visible_to(user=user).filter(subject=subject).order_by("-filed_at")]


def case_documents_of(*, case: RepairCase):
    return case_documents(case=case)


def case_notices_of(*, case: RepairCase):
    return case_notices(case=case)
