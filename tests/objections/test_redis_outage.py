"""Redis down for 30 s while objections are filed and decided (issue 15, "no lost work when a service blinks").

Real services: PostgreSQL, a private redis-server of this test's own (never the shared one), and a real Celery worker
process with its embedded beat (the outbox relay every 2 s). Redis is killed; objections are filed, material asked
for and a case decided over the API: every request succeeds and every letter and notification it causes is recorded
at once, its background work owed in the outbox. Redis comes back on the same port, empty (no persistence: whatever
was queued before is gone); within a timeout every letter is rendered once and every notification e-mailed once.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.accounts.models import User
from apps.core.models import CaseEvent, OutboxMessage
from apps.core.outbox import RELAY_TASK, outbox_relay
from apps.letters.models import Letter
from apps.notifications.models import Kind, Notification
from apps.objections.models import Objection
from tests.objections.test_flow_api import SIGNED, complete, task_of
from tests.subjects.factories import a_record
from tests.support import mail_log
from tests.support.celery_worker import _forget_connections
from tests.support.services import PrivateRedis, ensure_server

DOWNTIME = 30  # seconds, as the issue asks
RECOVERY = 120  # seconds allowed after Redis is back (the worker reconnects with kombu's growing interval)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(broker: str, queue: str, var_dir: Path, mail_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "tests.support.mail_log.MailLogBackend",
        "MAIL_LOG_PATH": str(mail_path),
    }
    command = [sys.executable, "-m", "tests.support.worker_main", queue, "--pool", "prefork", "-c", "2", "-B"]
    command += ["-l", "warning", "--schedule", str(var_dir / "beat-schedule")]
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(command, env=env, cwd=root, start_new_session=True)  # noqa: S603  our own interpreter


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, 9)
    worker.wait(timeout=30)


def only_the_relay_every_two_seconds() -> None:
    """The beat schedule of this test database: the relay, often; no other job adds work of its own."""
    PeriodicTask.objects.exclude(task=RELAY_TASK).update(enabled=False)
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    assert PeriodicTask.objects.filter(task=RELAY_TASK).update(interval=every, enabled=True) == 1


def all_done(mail_path: Path) -> bool:
    letters = Letter.objects.all()
    return (
        not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
        and not letters.exclude(status=Letter.Status.RENDERED).exists()
        and not Notification.objects.filter(email_sent_at__isnull=True).exists()
        and len(mail_log.sent(mail_path)) >= Notification.objects.count()
    )


@pytest.mark.postgres  # the worker process must see the test's committed rows: a server database
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_down_for_30_seconds_loses_no_letter_and_no_notification(
    transactional_db, api, world, settings, tmp_path
):
    ensure_server("postgresql")
    from config.celery import app

    redis = PrivateRedis()
    redis.start()
    queue = f"outage-test-{redis.port}"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "test-private"  # where the worker writes (VAR_DIR below)
    mail_path = tmp_path / "mail.jsonl"
    only_the_relay_every_two_seconds()
    for user in User.objects.all():  # every notification has somewhere to go
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.cn")
    records = [world["record"]] + [
        a_record(world["a"], world["departments"]["market"], facts=f"未按规定公示年度报告（{n}）") for n in (2, 3)
    ]
    saved = {key: app.conf.get(key) for key in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=redis.url, task_always_eager=False, task_default_queue=queue)
    _forget_connections(app)
    worker = start_worker(redis.url, queue, tmp_path, mail_path)
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            redis.stop()
            down_at = time.monotonic()
            durations = []

            def call(make):
                began = time.monotonic()
                response = make()
                durations.append(time.monotonic() - began)
                assert response.status_code in (200, 201), response.json()
                return response.json()

            applicant = api(world["applicant"])
            cases = [
                call(
                    lambda record=record: applicant.post(
                        "/api/v1/objections",
                        {"record": record.pk, "ground": "error", "statement": "罚款金额登记错误。", **SIGNED},
                        format="multipart",
                    )
                )
                for record in records
            ]
            # the first case: more material asked for (a notification); the second: decided (a letter, a notification)
            asked = task_of(api, world["officer"], cases[0]["id"])
            call(
                lambda: complete(
                    api, world["officer"], asked["id"], {"action": "request_material", "request": "请提供缴款凭证。"}
                )
            )
            verify = task_of(api, world["officer"], cases[1]["id"])
            call(
                lambda: complete(
                    api, world["officer"], verify["id"], {"outcome": "kept", "reasons": "经核查，登记无误。"}
                )
            )
            review = task_of(api, world["reviewer"], cases[1]["id"])
            call(lambda: complete(api, world["reviewer"], review["id"], {"approve": True}))
            filed_in = time.monotonic() - down_at

            # everything the requests did is there, and the work they cause is owed, not lost
            assert Objection.objects.count() == 3
            letters, notifications = Letter.objects.count(), Notification.objects.count()
            assert letters >= 1 and notifications >= 2, (letters, notifications)
            owed = OutboxMessage.objects.filter(sent_at__isnull=True)
            assert owed.count() == letters + notifications
            # each row was tried at most once: the first failed attempt opens the breaker, and the requests after it
            # no longer try (the relay will)
            assert all(row.attempts <= 1 for row in owed) and owed.exclude(last_error="").exists()
            # Redis stays down for 30 s, or for as long as the requests took on a busy machine
            time.sleep(max(0.0, DOWNTIME - (time.monotonic() - down_at)))
            assert worker.poll() is None, "the worker stopped while Redis was down"
            redis.start()  # the same port, empty
            back_at = time.monotonic()
            deadline = back_at + RECOVERY
            while time.monotonic() < deadline and not all_done(mail_path):
                assert worker.poll() is None, f"the worker stopped (exit {worker.returncode})"
                time.sleep(0.5)
            recovered_in = time.monotonic() - back_at
    finally:
        stop_worker(worker)
        redis.stop()
        app.conf.update(**saved)
        _forget_connections(app)

    assert all_done(mail_path), (
        f"{RECOVERY} s after Redis came back: "
        f"{OutboxMessage.objects.filter(sent_at__isnull=True).count()} outbox rows unsent, "
        f"{Letter.objects.exclude(status=Letter.Status.RENDERED).count()} letters not rendered, "
        f"{Notification.objects.filter(email_sent_at__isnull=True).count()} notifications not sent"
    )
    print(
        f"requests while Redis was down: {len(durations)} in {filed_in:.1f} s (slowest {max(durations):.2f} s); "
        f"all work done {recovered_in:.1f} s after Redis returned"
    )
    # exactly once: one rendered event and one file per letter, one e-mail per notification
    rendered = CaseEvent.objects.filter(case_type="letters.letter", kind="letter_rendered")
    assert sorted(rendered.values_list("case_id", flat=True)) == sorted(Letter.objects.values_list("pk", flat=True))
    files = [path for path in Path(settings.PRIVATE_STORAGE_ROOT).rglob("*.pdf")]
    assert len(files) == Letter.objects.count()
    mails = mail_log.sent(mail_path)
    expected = sorted((n.recipient.email, n.title) for n in Notification.objects.select_related("recipient"))
    assert sorted((mail["to"][0], mail["subject"]) for mail in mails) == expected


def later():
    return timezone.now() + timedelta(hours=1)


@pytest.mark.django_db
def test_with_the_broker_down_the_request_succeeds_and_the_work_waits(
    api, world, broker_down, django_capture_on_commit_callbacks, settings
):
    """Objections filed and material asked for over HTTP while Redis is down: 201 and 200, the notice recorded,
    its delivery owed (one failed attempt); once the broker is back the relay sends it, once."""
    from tests.objections.test_flow_api import SIGNED, complete, task_of

    world["applicant"].email = "applicant1@example.cn"
    world["applicant"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        filed = api(world["applicant"]).post(
            "/api/v1/objections",
            {"record": world["record"].pk, "ground": "error", "statement": "罚款金额登记错误。", **SIGNED},
            format="multipart",
        )
    assert filed.status_code == 201, filed.json()
    task = task_of(api, world["officer"], filed.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        asked = complete(
            api, world["officer"], task["id"], {"action": "request_material", "request": "请提供缴款凭证。"}
        )
    assert asked.status_code == 200, asked.json()
    notice = Notification.objects.get(kind=Kind.MATERIAL_REQUESTED)
    row = OutboxMessage.objects.get(kwargs__notification_id=notice.pk)
    assert row.sent_at is None and row.attempts == 1 and "OperationalError" in row.last_error
    assert mail.outbox == []

    # the relay while the broker is still down: it stops at the first failure and raises nothing
    assert outbox_relay(now=later()).broker_down
    # the broker is back (here: tasks in-process again)
    broker_down.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert outbox_relay(now=later()).sent >= 1
    assert outbox_relay(now=later()).sent == 0
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == ""
    assert [message.to for message in mail.outbox] == [["applicant1@example.cn"]]
