"""Reads of the commitments app and its access function."""

from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.casework.selectors import case_item_access
from apps.commitments.models import Commitment, CommitmentTextVersion, CommitmentType, FulfilmentCheck
from apps.rules.models import Rule, RuleCode
from apps.rules.selectors import rule_in_force_or_none
from apps.subjects.models import Subject
from apps.subjects.selectors import subjects_represented_by


def access_commitment_by_id(*, user: User, commitment_id: int, perm: str = "commitments.view_commitment") -> Commitment:
    """Visible to global viewers, to the subject's representatives, and to the owning case's staff and the party
    that signed it (not to another party of the same case). Missing and forbidden are indistinguishable."""
    commitment = (
        Commitment.objects.select_related("text_version", "subject", "checking_department", "violation_record")
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None or not user.is_authenticated:
        raise Commitment.DoesNotExist
    if user.has_perm(perm) or user.has_perm("subjects.act_for_subject", commitment.subject):
        return commitment
    if _checks_for_department(user) and commitment.department_id == user.department_id:
        return commitment
    if commitment.owner_type and commitment.owner_id:
        try:
            case_item_access(user=user, case_type=commitment.owner_type, case_id=commitment.owner_id, item=commitment)
        except ObjectDoesNotExist as exc:
            raise Commitment.DoesNotExist from exc
        return commitment
    raise Commitment.DoesNotExist


def _checks_for_department(user: User) -> bool:
    return bool(user.has_perm("commitments.check_commitment") and getattr(user, "department_id", None))


def commitment_audience(*, user: User) -> str:
    """Whose view of commitments a user gets: "staff" (global viewers, and a department's officers for the
    commitments made to their department), "party" (a representative: its own subjects' commitments), or ""."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.has_perm("commitments.view_commitment") or _checks_for_department(user):
        return "staff"
    if subjects_represented_by(user=user).exists():
        return "party"
    return ""


def commitments_visible_to(*, user: User) -> QuerySet[Commitment]:
    """The commitments a list shows a user: every one for global viewers, those made to the officer's department,
    a representative's own subjects' ones."""
    qs = Commitment.objects.select_related("text_version", "subject", "department").prefetch_related(
        "fulfilment_checks"
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_perm("commitments.view_commitment"):
        return qs
    if _checks_for_department(user) and user.department_id is not None:
        return qs.filter(department_id=user.department_id)
    return qs.filter(subject__in=subjects_represented_by(user=user))


def fulfilment_check_rule(*, type: str, on: date) -> Rule | None:
    """The rule row that schedules a type's fulfilment check (commitment.check.<type>), if one is in force."""
    code = f"commitment.check.{type}"
    if code not in RuleCode.values:
        return None
    return rule_in_force_or_none(code=code, on=on)


def fulfilment_checks_visible_to(*, user: User) -> QuerySet[FulfilmentCheck]:
    """Checks a staff list shows: every one for global viewers, the department's own (and those without a
    department, which the credit office's viewers take) for its officers."""
    qs = FulfilmentCheck.objects.select_related("commitment__subject", "commitment__text_version", "department")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_perm("commitments.view_commitment"):
        return qs
    if _checks_for_department(user) and user.department_id is not None:
        return qs.filter(department_id=user.department_id)
    return qs.none()


def fulfilment_checks_due(*, user: User) -> QuerySet[FulfilmentCheck]:
    return fulfilment_checks_visible_to(user=user).filter(status=FulfilmentCheck.Status.DUE).order_by("due_date", "id")


def access_fulfilment_check_by_id(*, user: User, check_id: int) -> FulfilmentCheck:
    """The only way an interface obtains a fulfilment check. Missing and forbidden are indistinguishable."""
    check = fulfilment_checks_visible_to(user=user).filter(pk=check_id).first()
    if check is None:
        raise FulfilmentCheck.DoesNotExist
    return check


def commitments_of_owner(*, owner_type: str, owner_id: int) -> QuerySet[Commitment]:
    return Commitment.objects.filter(owner_type=owner_type, owner_id=owner_id).select_related("text_version")


def text_versions_in_force(*, on: date, type: str | None = None) -> QuerySet[CommitmentTextVersion]:
    qs = CommitmentTextVersion.objects.filter(effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    if type:
        qs = qs.filter(type=type)
    return qs.order_by("type", "-effective_from")


def commitments_in_force(*, subject: Any) -> QuerySet[Commitment]:
    """The subject's commitments that still bind it: signed and not found broken (pending or kept)."""
    return (
        Commitment.objects.filter(subject=subject)
        .exclude(fulfilment_status=Commitment.Fulfilment.VIOLATED)
        .select_related("text_version")
        .order_by("-signed_at", "-id")
    )


def commitment_shared_view(commitment: Commitment) -> dict[str, Any]:
    """What of a commitment another department may see: its kind, text and status, not the signer's person."""
    return {
        "id": commitment.pk,
        "type": commitment.type,
        "type_display": str(commitment.get_type_display()),
        "text_version": commitment.text_version.code,
        "text_title": commitment.text_version.title,
        "signed_at": commitment.signed_at.isoformat(),
        "fulfilment_status": commitment.fulfilment_status,
        "fulfilment_display": str(commitment.get_fulfilment_status_display()),
    }


# Published in the register of commitments (信用承诺公示): every kind a subject makes to the public or to an
# administration, not the appeal commitment inside an objection (a party's statement in a private procedure).
REGISTER_TYPES = [t for t in CommitmentType.values if t != CommitmentType.OBJECTION_APPEAL]


def commitments_public_register(*, type: str = "", query: str = "") -> QuerySet[Commitment]:
    """The public register: commitments of organisations (an individual business is often named after its
    operator, so it is left out), newest first; filtered by type and by the subject's name or code."""
    qs = (
        Commitment.objects.filter(type__in=REGISTER_TYPES)
        .exclude(subject__type=Subject.Type.INDIVIDUAL_BUSINESS)
        .select_related("subject", "text_version")
        .order_by("-signed_at", "-id")
    )
    if type:
        qs = qs.filter(type=type)
    if query := query.strip():
        qs = qs.filter(Q(subject__name__icontains=query) | Q(subject__uscc=query.upper()))
    return qs


def commitment_public_view(commitment: Commitment) -> dict[str, Any]:
    """What the register shows of a commitment: who committed (the organisation), to what text, when, and whether
    it was kept; never the signing person or the checking officer."""
    return {
        "id": commitment.pk,
        "subject_name": commitment.subject.name,
        "uscc": commitment.subject.uscc,
        "type": commitment.type,
        "type_display": str(commitment.get_type_display()),
        "text_version": commitment.text_version.code,
        "text_title": commitment.text_version.title,
        "signed_on": timezone.localtime(commitment.signed_at).date(),
        "fulfilment_status": commitment.fulfilment_status,
        "fulfilment_display": str(commitment.get_fulfilment_status_display()),
    }
