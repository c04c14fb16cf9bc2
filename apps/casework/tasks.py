"""Celery entry points of the shared case machinery. Thin: they call a service and are safe to run twice."""

from celery import shared_task

SWEEP_TASK = "casework.sla_sweep"


@shared_task(name=SWEEP_TASK, bind=True, max_retries=3, acks_late=True, ignore_result=False)
def sla_sweep(self) -> dict:
    """Fire due Viewflow timers, raise due-soon notices and breach escalations (each exactly once)."""
    from apps.casework.sla_policy import sla_sweep as sweep

    return sweep()
