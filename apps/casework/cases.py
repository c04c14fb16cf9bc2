"""Case mechanics: the one place a case app gets the time of an action, finds its case's process, locks the case
(with its process) and starts or advances its flow.

A case app's services call these and never import their own flow module: the flow is reached through the registry
(`register_case_type(..., flow_class=...)`), so flows import services and never the reverse. Nothing here knows a
domain app.

- `case_now(at)`: the moment of an action, always timezone-aware.
- `case_process(case)`: the Viewflow process working on the case (process.artifact), or None.
- `case_lock(case)`: the case re-read under a row lock; callers go on with the fresh row it returns.
- `case_flow_locked(case)`: hold the process lock (outermost) for a service a person calls outside a task, so it
  never waits on a step that waits on it.
- `case_flow_start(case)`, `case_flow_advance(case, node=...)`: start the case's flow; complete its waiting
  flow.Handle node (an applicant's answer, the last department's confirmation).
- `can_file(user=..., subject=..., channel=...)`: who may file a case for a subject, online or at the counter.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from apps.accounts.models import User
from apps.casework.models import CaseTask, Channel
from apps.casework.registry import case_type_for, flow_classes
from apps.core.errors import ConflictError

CASE_LOCKED = "case_locked"

CaseT = TypeVar("CaseT", bound=models.Model)


def case_now(at: datetime | None = None) -> datetime:
    """The moment of an action: `at` (tests, imports) or now. A naive datetime is a programming error."""
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("naive datetime: time is always timezone-aware")
    return moment


def case_of_process(process: Process | None) -> models.Model | None:
    """The domain case a process works on (process.artifact), for `.Permission(..., obj=case_of_process)`."""
    return process.artifact if process is not None else None


def case_flow_class(case: models.Model) -> Any:
    """The flow registered for the case's type."""
    registered = case_type_for(case._meta.label_lower)
    if registered is None or registered.flow_class is None:
        raise LookupError(f"no flow registered for {case._meta.label_lower}")
    return registered.flow_class


def case_process(case: models.Model) -> Process | None:
    """The process of the case's flow (as its flow's process class, so its routing flags read), or None."""
    content_type = ContentType.objects.get_for_model(case)
    process_class = case_flow_class(case).process_class
    return process_class._default_manager.filter(artifact_content_type=content_type, artifact_object_id=case.pk).first()


def case_lock(case: CaseT, *, related: tuple[str, ...] = ()) -> CaseT:
    """The case re-read under a row lock (and the `related` rows it joins, unlocked): two requests never move it
    from the same state twice. Returns a fresh instance; the caller continues with it."""
    queryset = type(case)._default_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=case.pk)


@contextmanager
def case_flow_locked(case: models.Model) -> Iterator[Process | None]:
    """Hold the lock of the case's process (outermost, as task completion takes it) and a transaction; yields the
    process (None when the case has none yet: then only the transaction). A lock that cannot be had is a 409."""
    process = case_process(case)
    if process is None:
        with transaction.atomic():
            yield None
        return
    try:
        with case_flow_class(case).lock(process.pk), transaction.atomic():
            yield process
    except FlowLockFailed as exc:
        raise ConflictError(CASE_LOCKED, _("该案件正在被他人处理，请稍后重试。")) from exc


def case_flow_start(case: models.Model) -> Process:
    """Start the case's flow on it (the flow's StartHandle `start` takes `case`)."""
    return case_flow_class(case).start.run(case=case)


def case_flow_advance(case: models.Model, *, node: str, **kwargs: Any) -> bool:
    """Complete the waiting flow.Handle `node` of the case's process. False when no such task waits (done already:
    idempotent). Call it inside the service's transaction."""
    flow_task = getattr(case_flow_class(case), node)
    process = case_process(case)
    if process is None:
        return False
    task = (
        flow_task.flow_class.task_class._default_manager.filter(
            process_id=process.pk, flow_task=flow_task, status=STATUS.NEW
        )
        .order_by("-id")
        .first()
    )
    if task is None:
        return False
    flow_task.run(task, **kwargs)
    return True


def case_open_tasks(*, case: models.Model) -> QuerySet[CaseTask]:
    """Open human tasks of the case's processes (the current steps)."""
    content_type = ContentType.objects.get_for_model(case)
    return (
        CaseTask.objects.filter(
            flow_task_type="HUMAN",
            process__flow_class__in=flow_classes(),
            process__artifact_content_type=content_type,
            process__artifact_object_id=case.pk,
            status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED),
        )
        .select_related("owner")
        .order_by("created", "id")
    )


def is_own_proposal_review(*, task: Task, user: User) -> bool:
    """Is `task` the review (a NotByProposer step) of a decision `user` proposed? The rule of who proposed belongs
    to the case's app (its registered `proposals_of`)."""
    if not getattr(task.flow_task, "not_by_proposer", False):
        return False
    case = case_of_process(task.process)
    if case is None:
        return False
    case_type = case_type_for(case._meta.label_lower)
    return case_type is not None and case_type.proposed_by(user=user, case=case)


def can_file(*, user: User, subject: models.Model, channel: str) -> bool:
    """May `user` file a case for `subject` on `channel`? Online: a person acting for the subject; at the counter:
    a clerk, for anyone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if channel == Channel.COUNTER:
        return user.has_perm("subjects.file_on_behalf")
    return user.has_perm("subjects.act_for_subject", subject)
