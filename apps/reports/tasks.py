"""Celery entry points of the reports app. Thin: they call a service and are safe to run twice."""

from celery import shared_task

MONTHLY_TASK = "reports.publish_monthly_report"
OVERDUE_TASK = "reports.monthly_report_overdue"


@shared_task(name=MONTHLY_TASK, bind=True, max_retries=3, acks_late=True)
def publish_monthly_report(self) -> int | None:
    """Issue last month's office-wide report once it is due (see monthly_report_publish_due)."""
    from apps.reports.services import monthly_report_publish_due

    report = monthly_report_publish_due()
    return report.pk if report else None


@shared_task(name=OVERDUE_TASK, bind=True, max_retries=3, acks_late=True)
def monthly_report_overdue(self) -> int:
    """Notify the credit office once when last month's report is still missing on the reporting day."""
    from apps.reports.services import monthly_report_overdue_notify

    return len(monthly_report_overdue_notify())
