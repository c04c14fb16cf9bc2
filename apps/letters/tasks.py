"""Celery entry points: ids in, fetch, call a service. Safe to run twice."""

from celery import shared_task
from django.conf import settings
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
    """One job per batch. With settings.LETTERS_BATCH_SHARDS > 1 and a real broker it hands the batch to that many
    shard tasks, so the worker pool's processes render it side by side (a prefork child cannot fork helpers of its
    own); in-process (eager) it renders everything itself. Killed midway and delivered again (acks_late), it
    carries on where it stopped: rendered letters are skipped, and a letter is stored once whoever renders it."""
    from apps.letters.services import letter_batch_run as run

    batch = LetterBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in (LetterBatch.Status.DONE, LetterBatch.Status.DONE_WITH_ERRORS):
        return
    shards = max(1, int(getattr(settings, "LETTERS_BATCH_SHARDS", 1)))
    if shards > 1 and not self.request.is_eager:
        for shard in range(shards):
            letter_batch_shard.delay(batch_id, shard, shards)
        return
    try:
        run(batch=batch)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(bind=True, max_retries=5, acks_late=True)
def letter_batch_shard(self, batch_id: int, shard: int, shards: int) -> None:
    """The letters of one shard of a batch (id modulo shards); the batch's progress counts every shard."""
    from apps.letters.services import letter_batch_run as run

    batch = LetterBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in (LetterBatch.Status.DONE, LetterBatch.Status.DONE_WITH_ERRORS):
        return
    try:
        run(batch=batch, shard=shard, shards=shards)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=10) from exc
