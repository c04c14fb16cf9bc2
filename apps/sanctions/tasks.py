"""Celery entry points of the sanctions app. Thin: they call a service and are safe to run twice."""

from celery import shared_task

FLAG_MISSING_TASK = "sanctions.flag_missing_case_reports"


@shared_task(name=FLAG_MISSING_TASK, bind=True, max_retries=3, acks_late=True)
def flag_missing_case_reports(self) -> int:
    """From the 23rd, flag to the credit office the departments that have not reported last month's cases."""
    from apps.sanctions.services import case_reports_flag_missing

    return case_reports_flag_missing()
