"""A letter batch through a real Celery worker on Redis: the batch job hands its letters to short shard tasks
(LETTERS_BATCH_SHARD_SIZE letters each), every letter is stored once, and the progress counts all shards."""

import time

import pytest
from celery.result import EagerResult

from apps.core.models import OutboxMessage
from apps.letters.models import Letter, LetterBatch
from apps.letters.services import letter_batch_create, letter_create
from tests.letters.test_batches import CONTEXT, files


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker thread reads committed rows
def test_a_batch_is_rendered_by_shard_tasks_in_a_real_worker(
    transactional_db, users, departments, settings, real_celery
):
    from apps.letters import tasks

    settings.LETTERS_BATCH_SHARD_SIZE = 3
    batch = letter_batch_create(kind="repair_notice", acting_user=users["officer"], department=departments["market"])
    for i in range(8):
        letter_create(
            template_code="repair_notice",
            owner=("tests.worker-batch", i + 1),
            recipient=None,
            acting_user=users["officer"],
            context={**CONTEXT, "subject_name": f"宜昌第{i + 1}号公司"},
            department=departments["market"],
            batch=batch,
        )
    LetterBatch.objects.filter(pk=batch.pk).update(total=8)
    result = tasks.letter_batch_run.delay(batch.pk)
    assert not isinstance(result, EagerResult)  # sent to Redis, run by the worker
    result.get(timeout=60)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in (LetterBatch.Status.DONE, LetterBatch.Status.DONE_WITH_ERRORS):
            break
        time.sleep(0.5)
    pks = list(Letter.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))
    # the shards were owed in the dispatch's transaction (the outbox) and each was sent once
    shards = OutboxMessage.objects.filter(task=tasks.letter_batch_shard.name)
    sent = sorted((row.kwargs["batch_id"], row.kwargs["first_pk"], row.kwargs["last_pk"]) for row in shards)
    assert sent == [(batch.pk, pks[0], pks[2]), (batch.pk, pks[3], pks[5]), (batch.pk, pks[6], pks[7])]
    assert all(row.sent_at is not None and row.attempts == 1 for row in shards)
    assert (batch.status, batch.total, batch.done, batch.failed) == (LetterBatch.Status.DONE, 8, 8, 0)
    letters = Letter.objects.filter(batch=batch)
    assert all(letter.status == Letter.Status.RENDERED and letter.sha256 for letter in letters)
    assert len(files()) == 8
