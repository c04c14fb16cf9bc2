"""Celery entry points: ids in, fetch, call a service. Safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from apps.letters.models import Letter, LetterBatch


@shared_task(bind=True, max_retries=5, acks_late=True)
def letter_render(self, letter_id: int) -> None:
    from apps.letters.services import letter_render as render  # services import this module

    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None or letter.status == Letter.Status.RENDERED:  # a redelivered message does nothing twice
        return
    try:
        render(letter=letter)
    except OperationalError as exc:  # database busy or gone for a moment
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(bind=True, max_retries=5, acks_late=True)
def letter_batch_run(self, batch_id: int) -> None:
    """One job per batch. Killed midway and delivered again (acks_late), it carries on where it stopped."""
    from apps.letters.services import letter_batch_run as run

    batch = LetterBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in (LetterBatch.Status.DONE, LetterBatch.Status.DONE_WITH_ERRORS):
        return
    try:
        run(batch=batch)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=10) from exc
