"""Writes of the reports app: a credit report on request."""

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.core.services import case_event_record
from apps.letters.models import TemplateCode
from apps.letters.services import letter_create
from apps.reports.credit_report import credit_report_context
from apps.reports.models import CreditReportRequest
from apps.subjects.models import Subject


def credit_report_issuer(*, acting_user: User | None) -> Department | None:
    """The requester's department when they belong to one, else the credit office (信用办)."""
    if acting_user is not None and getattr(acting_user, "department_id", None):
        return acting_user.department
    return Department.objects.filter(sector=Department.Sector.CREDIT_OFFICE, is_active=True).order_by("code").first()


@transaction.atomic
def credit_report_request(*, subject: Subject, acting_user: User | None, purpose: str = "") -> CreditReportRequest:
    """Snapshot what is known about the subject now into a credit_report letter; it is rendered after commit."""
    request = CreditReportRequest.objects.create(
        subject=subject,
        purpose=purpose[:200],
        requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    context = credit_report_context(subject=subject, report_no=request.report_no, on=timezone.localdate())
    request.letter = letter_create(
        template_code=TemplateCode.CREDIT_REPORT,
        owner=request,
        recipient=subject,
        context=context,
        department=credit_report_issuer(acting_user=acting_user),
        acting_user=acting_user,
    )
    request.save(update_fields=["letter"])
    case_event_record(
        case=subject,
        kind="credit_report_requested",
        acting_user=acting_user,
        data={
            "request": request.pk,
            "letter": request.letter.pk,
            "report_no": request.report_no,
            "records": context["published_record_count"],
        },
    )
    return request
