"""A real Celery worker on Redis for the tests that must not run tasks eagerly."""

import os
import uuid

import pytest
from django.test import override_settings

from tests.support.services import ensure_server


def _forget_connections(app):
    """The app caches its broker pool, result backend and queue routing: rebuild them from the changed conf."""
    app._pool = None
    app._local.__dict__.pop("backend", None)
    app.__dict__.pop("amqp", None)


def _broker_url() -> str:
    return os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def celery_on_redis():
    """The project's Celery app pointed at Redis with eager mode off and a queue of this test's own, and no worker:
    the test starts worker processes itself (worker_process). Yields (app, broker URL, queue)."""
    ensure_server("redis")
    from config.celery import app

    url, queue = _broker_url(), f"kill-test-{uuid.uuid4().hex[:12]}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf.get(key) for key in keys}
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    _forget_connections(app)
    assert app.amqp.default_queue.name == queue
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            yield app, url, queue
    finally:
        app.conf.update(**saved)
        _forget_connections(app)


@pytest.fixture
def real_celery():
    """The project's Celery app pointed at Redis, eager mode off, with a worker running in this process."""
    ensure_server("redis")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    url = _broker_url()
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: app.conf.get(key) for key in keys}
    # a queue of our own: another test run's worker on the same Redis database must not take our messages
    queue = f"casework-test-{uuid.uuid4().hex[:12]}"
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False, task_default_queue=queue)
    _forget_connections(app)
    assert app.amqp.default_queue.name == queue
    import apps.casework.tasks  # noqa: F401  (register the tasks with this app)
    import apps.letters.tasks  # noqa: F401

    try:
        with (
            override_settings(CELERY_TASK_ALWAYS_EAGER=False),
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
        ):
            yield app
    finally:
        app.conf.update(**saved)
        _forget_connections(app)


@pytest.fixture
def broker_down(settings):
    """Celery pointed at a Redis that is not there (a port nobody listens on), eager mode off."""
    from config.celery import app
    from tests.support.services import free_port

    keys = ("broker_url", "task_always_eager")
    saved = {key: app.conf.get(key) for key in keys}
    app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    _forget_connections(app)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield app
    finally:
        app.conf.update(**saved)
        _forget_connections(app)
