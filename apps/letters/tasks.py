"""Celery entry points: ids in, fetch, call a service. Each is safe to run twice: with late acknowledgement a task
whose worker died is delivered again (docs/letters.md, "Redelivery"), and rendering stores a letter only while it
is still queued, so a letter is rendered, stored and recorded once whoever runs it and however often."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from apps.letters.models import Letter, LetterBatch

WATCHDOG_TASK = "letters.requeue_stalled_batches"
FINISHED = (LetterBatch.Status.DONE, LetterBatch.Status.DONE_WITH_ERRORS)


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
    """One job per batch. With a real broker it hands the queued letters to short shard tasks
    (letter_batch_dispatch), which the pool's processes render side by side and which are redelivered soon when
    their worker dies; in-process (eager) it renders everything itself."""
    from apps.letters.services import letter_batch_dispatch
    from apps.letters.services import letter_batch_run as run

    batch = LetterBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in FINISHED:
        return
    try:
        if self.request.is_eager:
            run(batch=batch)
        else:
            letter_batch_dispatch(batch=batch)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(bind=True, max_retries=5, acks_late=True)
def letter_batch_shard(self, batch_id: int, first_pk: int, last_pk: int) -> None:
    """The queued letters of one shard of a batch (pks first_pk..last_pk); the batch's progress counts every shard.
    Stopped by the soft time limit, it sends itself again and carries on where it stopped."""
    from apps.letters.services import letter_batch_run as run

    batch = LetterBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in FINISHED:
        return
    try:
        run(batch=batch, first_pk=first_pk, last_pk=last_pk)
    except (OperationalError, SoftTimeLimitExceeded) as exc:
        raise self.retry(exc=exc, countdown=1 if isinstance(exc, SoftTimeLimitExceeded) else 10) from exc


@shared_task(name=WATCHDOG_TASK, bind=True, max_retries=3, acks_late=True)
def requeue_stalled_batches(self) -> list[int]:
    """The watchdog: send again the shards of batches that stopped moving (letter_batches_requeue_stalled)."""
    from apps.letters.services import letter_batches_requeue_stalled

    return letter_batches_requeue_stalled()
