"""Writes of the reports app: a credit report on request, and the monthly report."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.core.i18n import office_language
from apps.core.models import normalise_data
from apps.core.services import case_event_record
from apps.letters.models import TemplateCode
from apps.letters.services import letter_create
from apps.notifications.models import Notification
from apps.notifications.services import report_missing_notify
from apps.reports import monthly
from apps.reports.credit_report import credit_report_context
from apps.reports.models import CreditReportRequest, MonthlyReport
from apps.rules.selectors import monthly_reporting_day
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
    context = credit_report_context(subject=subject, report_no=request.report_no, on=clock.today())
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


# Monthly report ----------------------------------------------------------------------------------------------------

MONTHLY_REPORT_EXISTS = "monthly_report_exists"
MONTH_NOT_ENDED = "month_not_ended"


def monthly_report_issuer(*, department: Department | None) -> Department | None:
    """A department's own report is issued by it; the office-wide one by the credit office (信用办)."""
    if department is not None:
        return department
    return Department.objects.filter(sector=Department.Sector.CREDIT_OFFICE, is_active=True).order_by("code").first()


def monthly_report_context(*, figures: dict[str, Any], issuer: Department | None) -> dict[str, Any]:
    """The letter's snapshot: the rows as printed (target as text), the decisions delivered without their notice
    and the late publications, each list as it stood when the report was issued."""
    rows = {row["key"]: row for row in figures["rows"]}
    return {
        "month": figures["month"],
        "period_start": figures["period_start"],
        "period_end": figures["period_end"],
        "as_of": figures["as_of"],
        "scope_name": figures["department"]["name"] if figures["department"] else (issuer.name if issuer else ""),
        "population": figures["population"],
        "rows": [
            {
                "key": row["key"],
                "label": row["label"],
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "ratio": row["ratio"],
                "target": row["target"]["label"],
                "met": row["met"],
            }
            for row in figures["rows"]
        ],
        "missing": [
            {
                "decision_no": item["decision_no"],
                "subject_name": item["subject"]["name"],
                "department": item["department"]["name"],
                "delivered_on": item["delivered_on"],
            }
            for item in rows["two_documents"]["missing"]
        ],
        "late": rows["double_publicity"]["late"],
        "notes": figures["notes"],
    }


@transaction.atomic
def monthly_report_issue(
    *, month: date, department: Department | None = None, acting_user: User | None, reissue: bool = False
) -> tuple[MonthlyReport, bool]:
    """Snapshot the month's figures into a MonthlyReport and its letter (rendered after commit).

    The month must be over. Returns (report, created): without `reissue` an existing report is returned as it is
    (idempotent: the scheduled job and a person may both ask); with it, a new issue is made and the earlier ones
    are kept. Concurrent calls for the same month and scope make one report (the unique constraint decides)."""
    month = month.replace(day=1)
    if not monthly.Period.of(month).complete:
        raise ApplicationError(
            MONTH_NOT_ENDED,
            _("%(month)s 尚未结束，月度报告须在月份结束后生成。") % {"month": month.strftime("%Y-%m")},
            fields={"month": [_("该月尚未结束。")]},
        )
    issues = MonthlyReport.objects.select_for_update().filter(month=month, department=department)
    latest = issues.order_by("-issue_no").first()
    if latest is not None and not reissue:
        return latest, False
    with office_language():  # the report is an official document: its labels and notes are the office's language
        figures = monthly.monthly_stats(month=month, department=department)
    issuer = monthly_report_issuer(department=department)
    report = MonthlyReport(
        month=month,
        department=department,
        issue_no=(latest.issue_no + 1) if latest else 1,
        figures=normalise_data(figures),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Another request issued this number first: theirs is the report.
        return MonthlyReport.objects.get(month=month, department=department, issue_no=report.issue_no), False
    report.letter = letter_create(
        template_code=TemplateCode.MONTHLY_REPORT,
        owner=report,
        recipient=None,
        context=monthly_report_context(figures=report.figures, issuer=issuer),
        department=issuer,
        acting_user=acting_user,
    )
    report.save(update_fields=["letter"])
    case_event_record(
        case=report,
        kind="monthly_report_issued",
        acting_user=acting_user,
        data={
            "month": figures["month"],
            "department": department.code if department else None,
            "issue_no": report.issue_no,
            "letter": report.letter.pk,
            "rows": {row["key"]: [row["numerator"], row["denominator"]] for row in figures["rows"]},
        },
    )
    return report, True


def monthly_report_publish_due(*, today: date | None = None) -> MonthlyReport | None:
    """The scheduled job: from settings.MONTHLY_REPORT_DAY (default the 10th, ahead of the 23rd the seed plans
    require) issue last month's office-wide report if nobody has yet. Safe to run every minute (embedded mode
    does): it issues at most once per month. Returns the report it issued, if any."""
    today = today or clock.today()
    if today.day < settings.MONTHLY_REPORT_DAY:
        return None
    previous = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if MonthlyReport.objects.filter(month=previous, department__isnull=True).exists():
        return None
    report, created = monthly_report_issue(month=previous, department=None, acting_user=None)
    return report if created else None


def monthly_report_due_date(*, month: date) -> date | None:
    """The day by which `month`'s report is due: the reporting day of the month after it, from the rule row
    report.monthly_due_day in force then (no row in force: no reporting day, nothing is overdue)."""
    return monthly_reporting_day(month=month)


def monthly_report_overdue_notify(*, today: date | None = None) -> list[Notification]:
    """The scheduled check: on or after the reporting day, last month's office-wide report not issued yet is a
    breach notice to the credit office, linked to the monthly page. Runs as often as it likes: each monitor is
    notified once per month (the notification's event key). Returns the notifications sent now."""
    today = today or clock.today()
    previous = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    due = monthly_report_due_date(month=previous)
    if due is None or today < due:
        return []
    if MonthlyReport.objects.filter(month=previous, department__isnull=True).exists():
        return []
    with office_language():
        name = _("%(year)d年%(month)d月月度报告") % {"year": previous.year, "month": previous.month}
    return report_missing_notify(
        report_key=f"monthly:{previous:%Y-%m}",
        report_name=name,
        due_date=due,
        url=f"/workbench/stats/monthly/?month={previous:%Y-%m}",
    )
