"""A letter batch survives a killed worker: a real Celery worker process (prefork, two pool processes) on Redis
renders a batch; one of its pool processes is SIGKILLed (its shard is given back at once: reject on worker loss),
then the whole worker is SIGKILLed mid-batch (its shards stay unacknowledged in Redis). A new worker finishes the
batch within a minute: every letter exactly once, with one code, one file and one `letter_rendered` event."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from apps.core.models import CaseEvent
from apps.letters.models import Letter, LetterBatch
from apps.letters.services import letter_batch_create, letter_batch_start, letter_create
from tests.letters.test_batches import CONTEXT, files

N = 150  # enough that the worker is still busy when it is killed, even on a fast machine
VISIBILITY_TIMEOUT = 15  # seconds: how long Redis keeps a dead worker's messages before another worker gets them


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(broker: str, queue: str, var_dir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),  # the test database this test's rows are committed to
        "VAR_DIR": str(var_dir),  # files go to VAR_DIR/test-private
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "LETTERS_BATCH_SHARD_SIZE": "4",
        "LETTERS_RENDER_CHUNK": "4",
    }
    command = [
        sys.executable,
        "-m",
        "tests.support.worker_main",
        queue,
        "--pool",
        "prefork",
        "-c",
        "2",
        "-l",
        "warning",
    ]
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(command, env=env, cwd=root, start_new_session=True)  # noqa: S603  our own interpreter


def pool_processes(worker: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def held_messages(broker_db: redis.Redis, queue: str) -> int:
    """Messages of our queue delivered to a worker and not acknowledged (kombu keeps them in the `unacked` hash as
    [message, exchange, routing key])."""
    return sum(json.loads(value)[2] == queue for value in broker_db.hvals("unacked"))


def kill_all(worker: subprocess.Popen) -> None:
    """SIGKILL for the worker and its pool processes together, as when its machine or container dies."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def rendered(batch: LetterBatch) -> int:
    return Letter.objects.filter(batch=batch, status=Letter.Status.RENDERED).count()


def wait_until(condition, *, seconds: float, workers=()) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        for worker in workers:
            assert worker.poll() is None, f"the worker stopped (exit {worker.returncode})"
        time.sleep(0.05)
    return condition()


@pytest.mark.postgres  # the worker process must see the test's committed rows: a server database
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_survives_a_killed_worker(transactional_db, users, departments, settings, tmp_path, celery_on_redis):
    _app, broker, queue = celery_on_redis
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "test-private"  # where the worker processes write (VAR_DIR below)
    batch = letter_batch_create(kind="repair_notice", acting_user=users["officer"], department=departments["market"])
    for i in range(N):
        letter_create(
            template_code="repair_notice",
            owner=("tests.killed-worker", i + 1),
            recipient=None,
            acting_user=users["officer"],
            context={**CONTEXT, "subject_name": f"宜昌第{i + 1}号公司"},
            department=departments["market"],
            batch=batch,
        )
    broker_db = redis.Redis.from_url(broker)
    first = start_worker(broker, queue, tmp_path)
    second = None
    try:
        letter_batch_start(batch=batch, acting_user=users["officer"])  # autocommit: the job is sent at once
        assert wait_until(lambda: rendered(batch) >= 4, seconds=120, workers=[first]), (
            "the first worker rendered nothing"
        )
        # Frozen (SIGSTOP) at the moments chosen, so that the kills land mid-batch however fast the machine is.
        os.killpg(first.pid, signal.SIGSTOP)

        # A pool process dies mid-task: the worker gives its shard back at once and starts a new process.
        victim = pool_processes(first)[0]
        os.kill(victim, signal.SIGKILL)
        progress = rendered(batch)
        os.killpg(first.pid, signal.SIGCONT)
        assert wait_until(lambda: victim not in pool_processes(first), seconds=10, workers=[first])
        assert wait_until(lambda: rendered(batch) > progress, seconds=60, workers=[first])

        # Then the whole worker dies, holding shards it has not acknowledged.
        os.killpg(first.pid, signal.SIGSTOP)
        at_kill = rendered(batch)
        held = held_messages(broker_db, queue)
        kill_all(first)
        assert progress < at_kill < N, "the batch finished before the kill: make it bigger"
        assert held >= 1, "the killed worker held no message: nothing to redeliver"
        batch.refresh_from_db()
        assert batch.status == LetterBatch.Status.RUNNING

        second = start_worker(broker, queue, tmp_path)
        began = time.monotonic()
        done = wait_until(
            lambda: LetterBatch.objects.get(pk=batch.pk).status != LetterBatch.Status.RUNNING,
            seconds=60,
            workers=[second],
        )
        took = time.monotonic() - began
    finally:
        kill_all(first)
        if second is not None:
            kill_all(second)
    batch.refresh_from_db()
    assert done, f"not finished a minute after the restart: {rendered(batch)}/{N} rendered ({at_kill} at the kill)"
    assert (batch.status, batch.total, batch.done, batch.failed) == (LetterBatch.Status.DONE, N, N, 0), took
    letters = list(Letter.objects.filter(batch=batch))
    assert len(letters) == N and all(letter.status == Letter.Status.RENDERED and letter.sha256 for letter in letters)
    codes = {letter.verification_code for letter in letters}
    assert len(codes) == N
    stored = files()
    assert len(stored) == N and {path.stem for path in stored} == codes
    for letter in letters:  # each file is the one recorded
        data = (Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (letter.size, letter.sha256)
    events = list(
        CaseEvent.objects.filter(
            case_type="letters.letter", case_id__in=[letter.pk for letter in letters], kind="letter_rendered"
        ).values_list("case_id", flat=True)
    )
    assert sorted(events) == sorted(letter.pk for letter in letters)  # one event each, none twice
    finished = CaseEvent.objects.filter(case_type="letters.letterbatch", case_id=batch.pk, kind="letter_batch_finished")
    assert finished.count() == 1
