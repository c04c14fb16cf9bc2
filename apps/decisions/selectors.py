"""Reads of the decisions app: access functions, the decisions delivered without their notice, and the 两书同达
coverage the monthly report uses."""

import calendar
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.decisions.models import DecisionImport, PenaltyDecision


def decisions_visible_to(*, user: User) -> QuerySet[PenaltyDecision]:
    """Global viewers (monitors, administrators) see every decision; a department's members see their own."""
    base = PenaltyDecision.objects.select_related("subject", "department", "notice")
    if not user.is_authenticated:
        return base.none()
    if user.has_perm("decisions.view_penaltydecision"):
        return base
    department_ids = list(user.groups.filter(department__isnull=False).values_list("department__pk", flat=True))
    return base.filter(department_id__in=department_ids)


def access_decision_by_id(*, user: User, decision_id: int) -> PenaltyDecision:
    """The only way an interface obtains a decision. Missing and forbidden are indistinguishable (404)."""
    decision = decisions_visible_to(user=user).filter(pk=decision_id).first()
    if decision is None:
        raise PenaltyDecision.DoesNotExist
    return decision


def access_decision_import_by_id(*, user: User, import_id: int) -> DecisionImport:
    job = DecisionImport.objects.filter(pk=import_id).first()
    if (
        job is None
        or not user.is_authenticated
        or not (job.created_by_id == user.pk or user.has_perm("decisions.view_decisionimport"))
    ):
        raise DecisionImport.DoesNotExist
    return job


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def delivered_without_notice(*, decisions: QuerySet[PenaltyDecision] | None = None) -> QuerySet[PenaltyDecision]:
    """Decisions owed a repair notice that were delivered without it."""
    decisions = (
        decisions
        if decisions is not None
        else PenaltyDecision.objects.select_related("subject", "department", "notice")
    )
    return (
        decisions.filter(notice_required=True, delivered_on__isnull=False)
        .filter(Q(notice_delivered=False) | Q(notice_delivered__isnull=True))
        .order_by("delivered_on", "id")
    )


def missing_row(decision: PenaltyDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "decision_no": decision.decision_no,
        "decision_date": decision.decision_date,
        "department": {"code": decision.department.code, "name": decision.department.name},
        "subject": {"uscc": decision.subject.uscc, "name": decision.subject.name},
        "delivered_on": decision.delivered_on,
        "delivery_method": decision.delivery_method,
        "notice_status": decision.notice.status if decision.notice else None,
    }


def two_documents_coverage(*, month: date, department_id: int | None = None, region_code: str = "") -> dict[str, Any]:
    """两书同达 for the decisions delivered in `month` to legal persons and organisations (of subjects registered in
    `region_code`, a prefix, when given):
    numerator = delivered together with the repair notice, denominator = all of them, ratio (None when there were
    none), and every one delivered without its notice."""
    first, last = month_bounds(month)
    owed = PenaltyDecision.objects.select_related("subject", "department", "notice").filter(
        notice_required=True, delivered_on__gte=first, delivered_on__lte=last
    )
    if department_id is not None:
        owed = owed.filter(department_id=department_id)
    if region_code:
        owed = owed.filter(subject__region_code__startswith=region_code)
    denominator = owed.count()
    numerator = owed.filter(notice_delivered=True).count()
    return {
        "month": first.strftime("%Y-%m"),
        "numerator": numerator,
        "denominator": denominator,
        "ratio": round(numerator / denominator, 4) if denominator else None,
        "missing": [missing_row(d) for d in delivered_without_notice(decisions=owed)],
    }
