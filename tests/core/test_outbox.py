"""The transactional outbox (apps.core.outbox): work owed in the change's transaction, published after commit or
by the relay, never raising into the request, and with its effect once however often it is published."""

from datetime import timedelta
from pathlib import Path

import pytest
from celery import shared_task
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from apps.core import outbox
from apps.core.models import CaseEvent, OutboxMessage
from apps.core.outbox import Outcome, outbox_enqueue, outbox_publish, outbox_relay
from apps.letters.models import Letter
from apps.letters.services import letter_create
from apps.notifications.models import Kind, Notification
from apps.notifications.services import notify
from tests.letters.test_batches import CONTEXT
from tests.support.letter_fixtures import private_storage

__all__ = ["private_storage"]  # fixture used here

pytestmark = pytest.mark.django_db

COUNT_TASK = "tests.outbox.count"
FAIL_TASK = "tests.outbox.fail"
ran: list[int] = []


@shared_task(name=COUNT_TASK)
def count(n: int) -> int:
    ran.append(n)
    return n


@shared_task(name=FAIL_TASK)
def fail(n: int) -> None:
    raise ValueError(f"task {n} failed")


@pytest.fixture(autouse=True)
def fresh():
    ran.clear()
    outbox._broker_down_until = 0.0
    yield
    outbox._broker_down_until = 0.0


def later(seconds: float = 3600):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_rolled_back_change_owes_nothing(users):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[users["officer"]], kind=Kind.REASSIGNED, event_key="t:1", title="转办", body="正文")
        assert OutboxMessage.objects.filter(task="notifications.deliver").count() == 1
        raise RuntimeError("the change fails after the notice")
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_committed_change_owes_its_work_and_the_commit_sends_it(users, django_capture_on_commit_callbacks):
    users["officer"].email = "officer1@example.cn"
    users["officer"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notify(
            recipients=[users["officer"]], kind=Kind.REASSIGNED, event_key="t:2", title="转办", body="正文"
        )
    row = OutboxMessage.objects.get()
    assert (row.task, row.kwargs, row.dedup_key) == (
        "notifications.deliver",
        {"notification_id": notice.pk},
        f"notifications.deliver:{notice.pk}",
    )
    assert row.sent_at is not None and row.attempts == 1 and row.last_error == ""
    assert len(mail.outbox) == 1


def test_a_publish_that_fails_never_raises_into_the_caller(broker_down):
    row = outbox_enqueue(task=COUNT_TASK, kwargs={"n": 1})
    assert outbox_publish(message_id=row.pk) == Outcome.BROKER_DOWN
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1 and row.locked_until is None
    # the breaker: the next immediate attempt in this process does not even try
    assert outbox_publish(message_id=row.pk) == Outcome.BROKER_DOWN
    row.refresh_from_db()
    assert row.attempts == 1


def test_the_relay_publishes_what_a_dead_process_left_once():
    with transaction.atomic():  # committed, but the process "dies" before its on_commit attempt (never captured)
        rows = [outbox_enqueue(task=COUNT_TASK, kwargs={"n": n}) for n in (1, 2, 3)]
    assert outbox_relay().sent == 0  # a fresh row is left to its own immediate attempt for a few seconds
    result = outbox_relay(now=later())
    assert (result.sent, result.failed, result.broker_down) == (3, 0, False)
    assert outbox_relay(now=later()).sent == 0
    assert sorted(ran) == [1, 2, 3]
    assert all(row.sent_at and row.attempts == 1 for row in OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]))


def test_a_row_claimed_by_one_attempt_is_not_published_by_another():
    row = outbox_enqueue(task=COUNT_TASK, kwargs={"n": 7})
    claimed = outbox._claim(row.pk, timezone.now())  # the immediate attempt holds it (its lease)
    assert claimed is not None
    assert outbox_relay(now=later(30)).skipped == 0  # not even listed: its lease has not expired
    assert outbox_publish(message_id=row.pk) == Outcome.SKIPPED
    assert ran == []
    # the holder died: after the lease the relay takes it over
    assert outbox_relay(now=later()).sent == 1
    assert ran == [7]


def test_a_failing_task_is_retried_with_backoff_and_reported(capsys):
    row = outbox_enqueue(task=FAIL_TASK, kwargs={"n": 1})
    assert outbox_publish(message_id=row.pk) == Outcome.TASK_FAILED
    row.refresh_from_db()
    assert row.sent_at is None and "task 1 failed" in row.last_error
    assert row.available_at > timezone.now() + timedelta(seconds=4)  # backoff: 5 s after the first failure
    assert outbox.backoff(2) == timedelta(seconds=10) and outbox.backoff(30) == timedelta(seconds=600)
    call_command("outbox_status")
    out = capsys.readouterr().out
    assert "1 pending (1 failing)" in out and FAIL_TASK in out and "task 1 failed" in out
    with pytest.raises(CommandError):
        call_command("outbox_status", "--max-age", "0")


def test_the_same_pending_work_is_owed_once():
    first = outbox_enqueue(task=COUNT_TASK, kwargs={"n": 1}, dedup_key="count:1")
    assert outbox_enqueue(task=COUNT_TASK, kwargs={"n": 1}, dedup_key="count:1") is None
    assert OutboxMessage.objects.count() == 1
    outbox_relay(now=later())
    assert ran == [1]
    again = outbox_enqueue(task=COUNT_TASK, kwargs={"n": 1}, dedup_key="count:1")  # sent: it may be owed again
    assert again is not None and again.pk != first.pk


def test_a_notification_published_twice_is_e_mailed_once(users, django_capture_on_commit_callbacks):
    users["officer"].email = "officer1@example.cn"
    users["officer"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["officer"]], kind=Kind.REASSIGNED, event_key="t:3", title="转办", body="正文")
    row = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=row.pk).update(sent_at=None)  # e.g. published, then the mark was lost
    assert outbox_relay(now=later()).sent == 1
    assert len(mail.outbox) == 1


def test_a_letter_published_twice_is_rendered_once(users, departments, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_create(
            template_code="repair_notice",
            owner=("tests.outbox", 1),
            recipient=None,
            acting_user=users["officer"],
            context=CONTEXT,
            department=departments["market"],
        )
    row = OutboxMessage.objects.get(task="apps.letters.tasks.letter_render")
    assert row.kwargs == {"letter_id": letter.pk} and row.sent_at is not None
    OutboxMessage.objects.filter(pk=row.pk).update(sent_at=None)  # a second delivery of the same work
    assert outbox_relay(now=later()).sent == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERED
    events = CaseEvent.objects.filter(case_type="letters.letter", case_id=letter.pk, kind="letter_rendered")
    assert events.count() == 1
    assert len(list(Path(settings.PRIVATE_STORAGE_ROOT).rglob("*.pdf"))) == 1


def test_the_admin_lists_the_rows_read_only_in_chinese(users, api):
    outbox_enqueue(task=FAIL_TASK, kwargs={"n": 1})
    outbox_publish(message_id=OutboxMessage.objects.get().pk)
    client = api()
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save(update_fields=["is_staff", "is_superuser"])
    client.force_login(users["admin"])
    page = client.get("/admin/core/outboxmessage/?state=failing")
    assert page.status_code == 200
    text = page.content.decode()
    assert "待发后台任务" in text and "发送失败，待重试" in text and FAIL_TASK in text
    assert client.get("/admin/core/outboxmessage/add/").status_code == 403
