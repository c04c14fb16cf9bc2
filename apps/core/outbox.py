"""The transactional outbox: background work that cannot be lost when the broker (Redis) is down.

A service that causes background work (render a letter, deliver a notification, run a batch) calls
`outbox_enqueue(task=<dotted Celery task name>, kwargs={...}, dedup_key=...)` inside its own transaction. The row
commits with the change or not at all: a rolled-back change leaves no work behind, a committed one always leaves
its work owed. After the commit one immediate attempt publishes the row (`outbox_publish`); it never raises into
the request: with Redis down it fails fast (one connection attempt, no retries) and the row stays pending. The relay
(`outbox_relay`: the beat task `core.outbox_relay`, and `manage.py run_periodic` in embedded mode) publishes the
rows still pending once the broker answers again.

Delivery is at least once: a row may be published twice (the relay and the immediate attempt racing, a crash
between the publish and the `sent_at` write, a redelivered message), so every task named here must be idempotent;
the letters and notifications tasks are (they check and claim their own rows). Two attempts never publish the same
row at the same moment: an attempt first claims the row with a conditional UPDATE (a lease, `locked_until`), which
PostgreSQL serialises per row and SQLite per database.

In embedded mode (no broker, tasks eager) publishing a row runs its task in this process; a task that raises is
retried by the relay with exponential backoff, and its error is kept on the row (`manage.py outbox_status`).

core knows no app: tasks are named by their dotted name, never imported.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from apps.core.models import OutboxMessage, normalise_data

logger = logging.getLogger(__name__)

RELAY_TASK = "core.outbox_relay"

# After a failed publish this process leaves the broker alone for this many seconds (the relay catches up): during
# an outage each request pays for at most one failed connection attempt, not one per row.
_broker_down_until = 0.0


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def grace_seconds() -> float:
    """How long the relay leaves a new row to the immediate attempt after its commit."""
    return _setting("OUTBOX_RELAY_GRACE_SECONDS", 10)


def lease_seconds() -> float:
    """How long a claimed row is left to the attempt that claimed it; a crashed attempt's row is retried after it.
    In-process (eager) the attempt is the task itself: at least the task's time limit."""
    lease = _setting("OUTBOX_LEASE_SECONDS", 60)
    if _eager():
        lease = max(lease, float(getattr(settings, "CELERY_TASK_TIME_LIMIT", 0) or 0))
    return lease


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt of a row whose task failed: 5 s, 10 s, 20 s ... at most OUTBOX_BACKOFF_MAX."""
    base, ceiling = _setting("OUTBOX_BACKOFF_SECONDS", 5), _setting("OUTBOX_BACKOFF_MAX_SECONDS", 600)
    return timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts - 1)))


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


# -- writing -------------------------------------------------------------------------------------------------------


def outbox_enqueue(*, task: str, kwargs: dict[str, Any], dedup_key: str = "") -> OutboxMessage | None:
    """Owe the work `task(**kwargs)`: a row in the caller's transaction, published after its commit.

    `dedup_key` names the work (e.g. "letters.render:42"): while a row with the same key is unsent, a second
    request for it adds nothing and returns None. Call it inside the transaction of the change that causes the work.
    """
    message = OutboxMessage(
        task=task,
        kwargs=normalise_data(kwargs),
        dedup_key=dedup_key[:200],
        available_at=timezone.now() + timedelta(seconds=grace_seconds()),
    )
    if dedup_key:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            return None  # the same work is owed already: its own row will do it
    else:
        message.save()
    transaction.on_commit(partial(outbox_publish, message_id=message.pk), robust=True)
    return message


# -- publishing ----------------------------------------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"  # claimed or sent by another attempt
    TASK_FAILED = "task_failed"
    BROKER_DOWN = "broker_down"


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the row for one attempt, or None when it is sent or another attempt holds it. The conditional UPDATE is
    the lock: of two attempts at once, one updates the row and the other finds the lease taken."""
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    claimed = OutboxMessage.objects.filter(free, pk=message_id, sent_at__isnull=True).update(
        locked_until=now + timedelta(seconds=lease_seconds()), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return OutboxMessage.objects.filter(pk=message_id).first()


def _run_eagerly(message: OutboxMessage) -> None:
    app = current_app
    task = app.tasks.get(message.task)
    if task is None:
        app.loader.import_default_modules()  # tasks modules are imported lazily in a web process
        task = app.tasks.get(message.task)
    if task is None:
        raise LookupError(f"unknown task {message.task}")
    task.apply_async(kwargs=message.kwargs, task_id=f"outbox-{message.pk}-{message.attempts}")


def _send(message: OutboxMessage) -> None:
    """One publish on a pooled connection, connecting at most once (no retry loop: kombu's default would hold the
    request for seconds while Redis is down)."""
    app = current_app
    timeout = _setting("OUTBOX_CONNECT_TIMEOUT_SECONDS", 2)
    with app.pool.acquire(block=True, timeout=timeout) as connection:
        connection.ensure_connection(max_retries=0, timeout=timeout)
        app.send_task(
            message.task,
            kwargs=message.kwargs,
            task_id=f"outbox-{message.pk}-{message.attempts}",
            connection=connection,
            retry=False,
            add_to_parent=False,
        )


def _is_broker_error(exc: BaseException) -> bool:
    if isinstance(exc, BrokerOperationalError | ConnectionError | TimeoutError | OSError):
        return True
    try:
        errors = current_app.connection_for_write().connection_errors
    except Exception:  # noqa: BLE001  an unknown transport: not a connection error we can name
        return False
    return isinstance(exc, errors)


def outbox_publish(*, message_id: int, respect_breaker: bool = True, now: datetime | None = None) -> str:
    """One attempt at one row; never raises. Returns an Outcome. `now` is the relay's moment (a lease that expired
    by then is free)."""
    global _broker_down_until
    eager = _eager()
    if respect_breaker and not eager and time.monotonic() < _broker_down_until:
        return Outcome.BROKER_DOWN
    try:
        message = _claim(message_id, now or timezone.now())
        if message is None:
            return Outcome.SKIPPED
        if eager:
            _run_eagerly(message)  # the task keeps its own transactions, as it does in a worker
        else:
            _send(message)
    except Exception as exc:
        broker_down = not eager and _is_broker_error(exc)
        if broker_down:
            _broker_down_until = time.monotonic() + _setting("OUTBOX_BREAKER_SECONDS", 5)
        _failed(message_id, exc, broker_down=broker_down)
        return Outcome.BROKER_DOWN if broker_down else Outcome.TASK_FAILED
    try:
        OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), locked_until=None, last_error="")
    except Exception:  # published but not marked: the lease expires and the relay sends it again (tasks are idempotent)
        logger.exception("outbox row %s published but not marked sent", message_id)
    return Outcome.SENT


def _failed(message_id: int, exc: BaseException, *, broker_down: bool) -> None:
    """Release the row with its error; the relay tries it again. A broker that is down is retried at the relay's
    next pass (the relay stops at the first such error, so nothing storms); a task that fails waits longer each
    time."""
    try:
        message = OutboxMessage.objects.filter(pk=message_id).only("attempts", "task").first()
        if message is None:
            return
        wait = timedelta(0) if broker_down else backoff(message.attempts)
        OutboxMessage.objects.filter(pk=message_id).update(
            locked_until=None, available_at=timezone.now() + wait, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log = logger.warning if broker_down else logger.exception
        log("outbox row %s (%s) not published, attempt %s: %r", message_id, message.task, message.attempts, exc)
    except Exception:  # the database itself is gone: the lease expires and the relay tries again
        logger.exception("outbox row %s: the failed attempt could not be recorded", message_id)


# -- the relay -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelayResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    broker_down: bool = False
    forgotten: int = 0


def outbox_pending() -> Any:
    return OutboxMessage.objects.filter(sent_at__isnull=True)


def outbox_relay(*, limit: int = 500, now: datetime | None = None) -> RelayResult:
    """Publish the rows that are due, oldest first, and forget sent rows older than OUTBOX_KEEP_DAYS. Stops at the
    first broker error (the next pass tries again). Safe to run in parallel with itself and with the immediate
    attempts: every row is claimed before it is published."""
    now = now or timezone.now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    due = list(
        outbox_pending()
        .filter(free, available_at__lte=now)
        .order_by("available_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {Outcome.SENT: 0, Outcome.TASK_FAILED: 0, Outcome.SKIPPED: 0}
    broker_down = False
    for message_id in due:
        outcome = outbox_publish(message_id=message_id, respect_breaker=False, now=now)
        if outcome == Outcome.BROKER_DOWN:
            broker_down = True
            break
        counts[outcome] += 1
    return RelayResult(
        sent=counts[Outcome.SENT],
        failed=counts[Outcome.TASK_FAILED],
        skipped=counts[Outcome.SKIPPED],
        broker_down=broker_down,
        forgotten=_forget_sent(now),
    )


def _forget_sent(now: datetime) -> int:
    keep = timedelta(days=_setting("OUTBOX_KEEP_DAYS", 7))
    old = list(OutboxMessage.objects.filter(sent_at__lt=now - keep).values_list("pk", flat=True)[:5000])
    if not old:
        return 0
    deleted, _by_model = OutboxMessage.objects.filter(pk__in=old).delete()
    return deleted


# -- status --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    failing: int  # pending rows whose last attempt failed
    oldest_pending: datetime | None
    sent_last_day: int


def outbox_status(*, now: datetime | None = None) -> OutboxStatus:
    now = now or timezone.now()
    pending = outbox_pending()
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    return OutboxStatus(
        pending=pending.count(),
        failing=pending.exclude(last_error="").count(),
        oldest_pending=oldest,
        sent_last_day=OutboxMessage.objects.filter(sent_at__gte=now - timedelta(days=1)).count(),
    )
