"""Celery entry points of the subjects app. Thin: they call a service and are safe to run twice."""

from celery import shared_task

EXPIRE_TASK = "subjects.expire_publication"


@shared_task(name=EXPIRE_TASK, bind=True, max_retries=3, acks_late=True)
def expire_publication(self) -> int:
    """Stop publishing records whose maximum publication period has passed."""
    from apps.subjects.services import records_expire_publication

    return records_expire_publication()
