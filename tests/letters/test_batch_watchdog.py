"""The watchdog (beat task letters.requeue_stalled_batches): a started batch that stopped moving gets its queued
letters sent again as shards, with one audit event; fresh, finished and unstarted batches are left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.core.models import CaseEvent
from apps.letters import services, tasks
from apps.letters.models import Letter, LetterBatch
from apps.letters.services import letter_batch_create, letter_batch_run, letter_batch_start, letter_create
from tests.letters.test_batches import CONTEXT, files, make_batch


def age(batch: LetterBatch, seconds: float) -> None:
    LetterBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def events(batch: LetterBatch, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case_type="letters.letterbatch", case_id=batch.pk, kind=kind))


def rendered_events(batch: LetterBatch) -> int:
    ids = list(Letter.objects.filter(batch=batch).values_list("pk", flat=True))
    return CaseEvent.objects.filter(case_type="letters.letter", case_id__in=ids, kind="letter_rendered").count()


@pytest.mark.django_db
def test_the_watchdog_requeues_a_stalled_batch_once(users, departments, settings, run_on_commit):
    settings.LETTERS_BATCH_STALL_SECONDS = 600
    settings.LETTERS_BATCH_SHARD_SIZE = 2
    batch = make_batch(users["officer"], departments["market"], 7)
    letter_batch_start(batch=batch)  # its job's message is lost: on_commit never runs here
    pks = list(Letter.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))
    letter_batch_run(batch=batch, first_pk=pks[0], last_pk=pks[2])  # one shard ran, then its worker died
    before = dict(Letter.objects.filter(batch=batch, status=Letter.Status.RENDERED).values_list("pk", "rendered_at"))
    assert len(before) == 3

    age(batch, 599)  # not yet stalled
    with run_on_commit():
        assert tasks.requeue_stalled_batches.delay().get() == []
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (LetterBatch.Status.RUNNING, 3) and not events(batch, "letter_batch_requeued")

    age(batch, 601)
    with run_on_commit():
        assert tasks.requeue_stalled_batches.delay().get() == [batch.pk]
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.failed) == (LetterBatch.Status.DONE, 7, 7, 0)
    [requeued] = events(batch, "letter_batch_requeued")
    assert requeued.data["shards"] == [[pks[3], pks[4]], [pks[5], pks[6]]] and requeued.data["queued"] == 4
    assert len(events(batch, "letter_batch_finished")) == 1
    assert len(files()) == 7 and rendered_events(batch) == 7
    assert len(set(Letter.objects.filter(batch=batch).values_list("verification_code", flat=True))) == 7
    for pk, rendered_at in before.items():  # what was done before is not redone
        assert Letter.objects.get(pk=pk).rendered_at == rendered_at

    age(batch, 10_000)  # finished: never requeued again
    with run_on_commit():
        assert tasks.requeue_stalled_batches.delay().get() == []
    assert len(events(batch, "letter_batch_requeued")) == 1 and rendered_events(batch) == 7


@pytest.mark.django_db
def test_the_watchdog_finishes_a_batch_whose_worker_died_before_counting(users, departments, settings):
    settings.LETTERS_BATCH_STALL_SECONDS = 60
    batch = make_batch(users["officer"], departments["market"], 3)
    letter_batch_start(batch=batch)
    LetterBatch.objects.filter(pk=batch.pk).update(status=LetterBatch.Status.RUNNING)
    services.letters_render_many(letters=list(Letter.objects.filter(batch=batch)))  # rendered, never counted
    age(batch, 61)
    assert services.letter_batches_requeue_stalled() == [batch.pk]
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (LetterBatch.Status.DONE, 3)
    [requeued] = events(batch, "letter_batch_requeued")
    assert requeued.data["shards"] == [] and requeued.data["status"] == LetterBatch.Status.DONE
    assert len(events(batch, "letter_batch_finished")) == 1 and rendered_events(batch) == 3


@pytest.mark.django_db
def test_the_watchdog_leaves_unstarted_and_moving_batches_alone(users, departments, settings):
    settings.LETTERS_BATCH_STALL_SECONDS = 60
    filling = make_batch(users["officer"], departments["market"], 2)  # letters added, not started yet
    age(filling, 3600)
    moving = letter_batch_create(kind="repair_notice", acting_user=users["officer"], department=departments["market"])
    for i in range(2):
        letter_create(
            template_code="repair_notice",
            owner=("tests.moving", i + 1),
            recipient=None,
            acting_user=users["officer"],
            context=CONTEXT,
            department=departments["market"],
            batch=moving,
        )
    letter_batch_start(batch=moving)  # started 30 s ago, its shards still waiting in the queue
    age(moving, 30)
    assert services.letter_batches_requeue_stalled() == []
    for batch in (filling, moving):
        assert Letter.objects.filter(batch=batch, status=Letter.Status.QUEUED).count() == 2
    assert not CaseEvent.objects.filter(kind="letter_batch_requeued").exists()


@pytest.mark.django_db
def test_the_watchdog_is_on_the_beat_schedule():
    task = PeriodicTask.objects.get(task=tasks.WATCHDOG_TASK)
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")
