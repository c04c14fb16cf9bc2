"""Celery entry point: deliver one notification by e-mail and SMS. Thin, idempotent (each channel is sent once,
see services.notification_deliver), retried with exponential backoff when a channel fails."""

from celery import shared_task
from django.conf import settings

DELIVER_TASK = "notifications.deliver"


@shared_task(name=DELIVER_TASK, bind=True, max_retries=5, acks_late=True)
def notification_deliver(self, notification_id: int) -> dict:
    from apps.notifications.services import DeliveryFailed
    from apps.notifications.services import notification_deliver as deliver

    try:
        return deliver(notification_id=notification_id)
    except DeliveryFailed as exc:
        countdown = settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc
