"""The SLA sweep through a real Celery worker against Redis (not eager): the beat job as it runs in production."""

import os
import time
import uuid

import pytest
from celery.result import EagerResult
from django.test import override_settings

from apps.casework.models import SlaNotice
from apps.letters.models import Letter
from apps.repairs.models import RepairCase
from tests.repairs.conftest import at, filing
from tests.repairs.helpers import complete
from tests.support.services import ensure_server


def _forget_connections(app):
    """The app caches its broker pool, result backend and queue routing: rebuild them from the changed conf."""
    app._pool = None
    app._local.__dict__.pop("backend", None)
    app.__dict__.pop("amqp", None)


@pytest.fixture
def real_celery():
    """The project's Celery app pointed at Redis, eager mode off, with a worker running in this process."""
    ensure_server("redis")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    url = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: app.conf.get(key) for key in keys}
    # a queue of our own: another test run's worker on the same Redis database must not take our messages
    queue = f"casework-test-{uuid.uuid4().hex[:12]}"
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False, task_default_queue=queue)
    _forget_connections(app)
    assert app.amqp.default_queue.name == queue
    import apps.casework.tasks  # noqa: F401  (register the task with this app)

    try:
        with (
            override_settings(CELERY_TASK_ALWAYS_EAGER=False),
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
        ):
            yield app
    finally:
        app.conf.update(**saved)
        _forget_connections(app)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker thread reads committed rows
def test_the_sweep_task_runs_in_a_real_worker_and_escalates_once(
    transactional_db, clock, users, world, api, real_celery
):
    from apps.casework.tasks import sla_sweep

    clock.set(at(2026, 5, 11, 10))
    case_id = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").json()["id"]
    case = RepairCase.objects.get(pk=case_id)

    clock.set(at(2026, 5, 14, 9))  # the intake deadline (13 May) has passed
    result = sla_sweep.delay()
    assert not isinstance(result, EagerResult)  # sent to Redis, run by the worker
    first = result.get(timeout=60)
    second = sla_sweep.delay().get(timeout=60)
    assert first["timers_fired"] == 2
    assert second == {"timers_fired": 0, "due_soon": 0, "breach": 0}
    kinds = list(
        SlaNotice.objects.filter(deadline_id=case.intake_deadline_id).values_list("kind", flat=True).order_by("id")
    )
    assert kinds == [SlaNotice.Kind.DUE_SOON, SlaNotice.Kind.BREACH]

    # the acceptance letter is rendered by the worker too (WeasyPrint, queued after commit)
    complete(api(users["officer"]), case_id, "intake", {"decision": "accept"})
    letter = Letter.objects.get(owner_type="repairs.repaircase", owner_id=case_id, code="acceptance_notice")
    deadline = time.monotonic() + 90
    while letter.status == Letter.Status.QUEUED and time.monotonic() < deadline:
        time.sleep(0.5)
        letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERED, letter.error
    assert letter.sha256 and letter.page_count
