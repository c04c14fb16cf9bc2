"""Celery entry point of core: the outbox relay (apps.core.outbox), run by beat every few seconds and by
`manage.py run_periodic` in embedded mode. Thin and safe to run twice at once: each row is claimed before it is sent."""

from celery import shared_task

from apps.core.outbox import RELAY_TASK


@shared_task(name=RELAY_TASK, bind=True, max_retries=0, acks_late=True, ignore_result=True)
def outbox_relay(self) -> dict:
    """Publish the outbox rows still owed (the broker was down at their commit, or their process died after it)."""
    from apps.core.outbox import outbox_relay as relay

    result = relay()
    return {"sent": result.sent, "failed": result.failed, "broker_down": result.broker_down}
