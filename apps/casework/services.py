"""Writes of the shared case machinery: uploads, idempotent submissions, task claim/release/complete, SLA notices
and the timer sweep. Domain apps call these; nothing here knows a domain."""

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.casework.models import Document, IdempotencyKey, SlaNotice
from apps.casework.nodes import case_of_process, is_own_proposal_review
from apps.casework.registry import case_type_for, case_types, task_handler_for
from apps.casework.selectors import case_open_tasks
from apps.core import clock
from apps.core.errors import ApplicationError, ConflictError
from apps.core.i18n import in_office_language
from apps.core.models import canonical_json
from apps.core.services import case_event_record, case_label
from apps.notifications.services import deadline_notify
from apps.notifications.services import task_reassigned_notify as reassigned_notify
from apps.rules.selectors import rule_value
from apps.sla.models import Deadline
from apps.sla.workdays import BUSINESS_TZ, add_working_days, subtract_working_days

logger = logging.getLogger(__name__)

# -- uploads ---------------------------------------------------------------------------------------------------

# content type -> (magic bytes at offset 0, allowed file name suffixes)
UPLOAD_TYPES: dict[str, tuple[bytes, frozenset[str]]] = {
    Document.Kind.PDF: (b"%PDF-", frozenset({".pdf"})),
    Document.Kind.JPEG: (b"\xff\xd8\xff", frozenset({".jpg", ".jpeg"})),
    Document.Kind.PNG: (b"\x89PNG\r\n\x1a\n", frozenset({".png"})),
}
UPLOAD_INVALID = "upload_invalid"


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    content_type: str
    sha256: str
    size: int


def _upload_error(message: str, field: str = "files") -> ApplicationError:
    return ApplicationError(UPLOAD_INVALID, message, fields={field: [message]}, status_code=400)


def upload_check(upload: UploadedFile, *, field: str = "files") -> CheckedUpload:
    """Accept PDF, JPEG and PNG only, recognised by their first bytes (the name must agree), up to
    settings.UPLOAD_MAX_BYTES. Reads the file once for the SHA-256."""
    name = upload.name or ""
    limit = settings.UPLOAD_MAX_BYTES
    if not upload.size:
        raise _upload_error(_("文件“%(name)s”是空的。") % {"name": name}, field)
    if upload.size > limit:
        raise _upload_error(
            _("文件“%(name)s”超过大小限制（%(limit)s MB）。") % {"name": name, "limit": round(limit / 1048576, 1)},
            field,
        )
    upload.seek(0)
    head = upload.read(16)
    detected = next((kind for kind, (magic, _s) in UPLOAD_TYPES.items() if head.startswith(magic)), None)
    if detected is None:
        raise _upload_error(_("文件“%(name)s”不是 PDF、JPEG 或 PNG 文件（按文件内容识别）。") % {"name": name}, field)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in UPLOAD_TYPES[detected][1]:
        raise _upload_error(
            _("文件“%(name)s”的内容是 %(kind)s，与扩展名不符。")
            % {"name": name, "kind": Document.Kind(detected).label},
            field,
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(upload=upload, content_type=detected, sha256=digest.hexdigest(), size=upload.size)


@transaction.atomic
def document_attach(
    *,
    case: models.Model,
    upload: UploadedFile | CheckedUpload,
    acting_user: Any,
    purpose: str = "evidence",
    title: str = "",
) -> Document:
    """Store a checked upload under PRIVATE_STORAGE_ROOT and write its SHA-256 into the case history."""
    checked = upload if isinstance(upload, CheckedUpload) else upload_check(upload)
    name = PurePosixPath(checked.upload.name or "file").name[:255]
    document = Document(
        case_type=case_label(case),
        case_id=case.pk,
        purpose=purpose[:32],
        title=(title or "")[:200],
        original_name=name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        uploaded_at=timezone.now(),
    )
    document.file.save(name, checked.upload, save=False)
    document.save()
    case_event_record(
        kind="document_attached",
        case=case,
        acting_user=acting_user,
        data={
            "document_id": document.pk,
            "name": name,
            "title": document.title,
            "purpose": document.purpose,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    )
    return document


def documents_attach(
    *, case: models.Model, uploads: Iterable[CheckedUpload], acting_user: Any, purpose: str = "evidence"
) -> list[Document]:
    return [document_attach(case=case, upload=u, acting_user=acting_user, purpose=purpose) for u in uploads]


# -- idempotent submissions ------------------------------------------------------------------------------------

IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
IDEMPOTENCY_INVALID = "idempotency_key_invalid"


def _fingerprint_value(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if isinstance(value, dict):
        return {str(k): _fingerprint_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fingerprint_value(v) for v in value]
    return value


def request_fingerprint(*, scope: str, data: Any) -> str:
    """SHA-256 of what was asked: the endpoint and the body (files by their content hash)."""
    if hasattr(data, "lists"):  # QueryDict / MultiValueDict (multipart): keep every value of every key
        data = {key: values if len(values) != 1 else values[0] for key, values in data.lists()}
    payload = {"scope": scope, "data": _fingerprint_value(data)}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def idempotency_key_check(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 255 or not key.isprintable():
        message = _("Idempotency-Key 应为 1 至 255 个可打印字符。")
        raise ApplicationError(IDEMPOTENCY_INVALID, message, fields={"Idempotency-Key": [message]})
    return key


def idempotent_submit(
    *, user: Any, key: str | None, scope: str, data: Any, submit: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run `submit` (which creates something and returns (status, body)) at most once per user and key.

    A retry with the same key and the same request gets the first (status, body) back and `replayed=True`; the same
    key with a different request is refused with 422. Two identical requests racing: the unique constraint lets one
    commit, the other's work is rolled back and it returns the winner's result. Failed submissions (an exception)
    store nothing, so they can be retried with the same key.
    """
    if key is None:
        status, body = submit()
        return status, body, False
    key = idempotency_key_check(key)
    fingerprint = request_fingerprint(scope=scope, data=data)

    def replay() -> tuple[int, dict, bool] | None:
        stored = IdempotencyKey.objects.filter(user=user, key=key).first()
        if stored is None:
            return None
        if stored.fingerprint != fingerprint or stored.scope != scope:
            raise ApplicationError(
                IDEMPOTENCY_MISMATCH,
                _("该 Idempotency-Key 已用于另一内容不同的请求，请换用新的键。"),
                fields={"Idempotency-Key": [_("已用于另一请求。")]},
                status_code=422,
            )
        return stored.status_code, stored.body, True

    if (found := replay()) is not None:
        return found
    try:
        with transaction.atomic():
            status, body = submit()
            IdempotencyKey.objects.create(
                user=user, key=key, scope=scope, fingerprint=fingerprint, status_code=status, body=body
            )
    except IntegrityError:
        if (found := replay()) is not None:
            return found
        raise
    return status, body, False


# -- tasks -----------------------------------------------------------------------------------------------------

TASK_TAKEN = "task_taken"
TASK_LOCKED = "task_locked"
TASK_CLOSED = "task_closed"
TASK_FORBIDDEN = "forbidden"
TASK_NO_HANDLER = "task_not_completable"

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def task_case(task: Task) -> models.Model | None:
    return case_of_process(task.process)


def task_event_record(task: Task, kind: str, acting_user: Any, **data: Any) -> None:
    """Record a task action (claimed, released, completed) in the history of the task's case."""
    case = task_case(task)
    if case is None:
        return
    case_event_record(
        kind=kind,
        case=case,
        acting_user=acting_user,
        data={"task_id": task.pk, "step": task.flow_task.name, "title": str(task.flow_task.task_title), **data},
    )


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(TASK_FORBIDDEN, message, status_code=403)


def _taken(task: Task) -> ConflictError:
    owner = task.owner
    who = (getattr(owner, "display_name", "") or owner.get_username()) if owner else ""
    return ConflictError(
        TASK_TAKEN,
        _("该任务已由 %(who)s 领取，不能重复领取。") % {"who": who} if who else _("该任务已被他人领取。"),
        extra={"owner": owner.get_username() if owner else None},
    )


def _lock_failed() -> ConflictError:
    return ConflictError(TASK_LOCKED, _("该案件正在被他人处理，请稍后重试。"))


def _claim_locked(task: Task, acting_user: Any) -> None:
    """Inside the flow lock: claim with a conditional UPDATE, so of two claims only one row changes."""
    if task.status not in OPEN_TASK_STATUSES:
        raise ConflictError(TASK_CLOSED, _("该任务已办结或已取消。"), extra={"status": task.status})
    if task.owner_id is not None:
        raise _taken(task)
    if not task.flow_task.can_assign(acting_user, task):
        raise _forbidden(_("您无权领取该任务。"))
    now = timezone.now()
    changed = (
        type(task)
        ._default_manager.filter(pk=task.pk, owner__isnull=True, status=STATUS.NEW)
        .update(owner=acting_user, status=STATUS.ASSIGNED, assigned=now)
    )
    if changed != 1:
        task.refresh_from_db()
        raise _taken(task)
    task.refresh_from_db()
    task_event_record(task, "task_claimed", acting_user)


def task_claim(*, task: Task, acting_user: Any) -> Task:
    """Take a task from the queue. A task the caller already holds is returned as it is; one held by someone
    else (or claimed concurrently) is a 409."""
    flow_class = task.flow_task.flow_class
    try:
        with flow_class.lock(task.process_id):
            task.refresh_from_db()
            if task.owner_id == acting_user.pk and task.status == STATUS.ASSIGNED:
                return task
            _claim_locked(task, acting_user)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc
    return task


def task_release(*, task: Task, acting_user: Any) -> Task:
    """Give a claimed task back to the queue (its holder, or a flow manager)."""
    flow_class = task.flow_task.flow_class
    try:
        with flow_class.lock(task.process_id):
            task.refresh_from_db()
            if task.status != STATUS.ASSIGNED or task.owner_id is None:
                raise ConflictError(TASK_CLOSED, _("该任务未被领取，无需退回。"), extra={"status": task.status})
            if not task.flow_task.can_unassign(acting_user, task):
                raise _forbidden(_("只有领取人可以退回该任务。"))
            type(task)._default_manager.filter(pk=task.pk, status=STATUS.ASSIGNED).update(
                owner=None, status=STATUS.NEW, assigned=None
            )
            task.refresh_from_db()
            task_event_record(task, "task_released", acting_user)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc
    return task


def task_complete(*, task: Task, data: dict[str, Any], acting_user: Any) -> Task:
    """Complete a human task with a validated payload: claim it if it is free, run the node's handler (the domain
    service) and move the flow on — one transaction under the flow lock, so a refusal changes nothing."""
    handler = task_handler_for(task.flow_task)
    if handler is None:
        raise ApplicationError(TASK_NO_HANDLER, _("该任务不能通过接口办理。"), status_code=400)
    flow_class = task.flow_task.flow_class
    try:
        with flow_class.lock(task.process_id):
            task.refresh_from_db()
            if task.status == STATUS.NEW and task.owner_id is None:
                _claim_locked(task, acting_user)
            if task.status != STATUS.ASSIGNED:
                raise ConflictError(TASK_CLOSED, _("该任务已办结或已取消。"), extra={"status": task.status})
            if task.owner_id != acting_user.pk:
                raise _taken(task)
            node = task.flow_task
            if not node.can_execute(acting_user, task):
                raise _forbidden(_("您无权办理该任务。"))
            activation = node.activation_class(task)
            activation.start(None)
            handler.handle(activation=activation, case=task_case(task), data=data, acting_user=acting_user)
            activation.execute()
            task_event_record(task, "task_completed", acting_user)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc
    return task


def handle_task_run(*, flow_task: Any, process_id: int, acting_user: Any = None, **kwargs: Any) -> bool:
    """Complete the waiting flow.Handle task `flow_task` of a process (e.g. "the applicant answered the 补正",
    "the last department confirmed"). Returns False when no such task is waiting (already done: idempotent).
    Call it inside the service's transaction."""
    task = (
        flow_task.flow_class.task_class._default_manager.filter(
            process_id=process_id, flow_task=flow_task, status=STATUS.NEW
        )
        .order_by("-id")
        .first()
    )
    if task is None:
        return False
    flow_task.run(task, **kwargs)
    return True


# -- SLA: notices, the sweep, timers that follow their deadline -------------------------------------------------


def _case_for(case_type_label: str, case_id: int) -> models.Model | None:
    case_type = case_type_for(case_type_label)
    if case_type is None:
        return None
    return case_type.model._default_manager.filter(pk=case_id).first()


@in_office_language
def sla_notice_raise(*, deadline: Deadline, kind: str, acting_user: Any = None) -> SlaNotice | None:
    """Record a due-soon notice or a breach escalation for the deadline's current due date, once, and notify the
    officer holding the step, the department's head and the credit office. Returns None when it exists already (a
    second sweep, a timer and the sweep both firing), the deadline is no longer running, or a due-soon notice is
    asked for a deadline already past (it gets the breach escalation instead)."""
    deadline.refresh_from_db()
    if deadline.status == Deadline.Status.CLOSED:
        return None
    if kind == SlaNotice.Kind.DUE_SOON and deadline.due_date < clock.today():
        return None
    case_type = case_type_for(deadline.owner_type)
    case = _case_for(deadline.owner_type, deadline.owner_id)
    department = case_type.department_of(case) if case_type and case is not None else None
    step = case_type.step_name(deadline.purpose) if case_type else _("办理")
    names = {"case": str(case) if case is not None else f"{deadline.owner_type}:{deadline.owner_id}"}
    names.update({"purpose": step, "due": deadline.due_date.isoformat()})
    if kind == SlaNotice.Kind.DUE_SOON:
        message = _("%(case)s 的“%(purpose)s”时限将于 %(due)s 届满，请及时办理。") % names
    else:
        message = _("%(case)s 的“%(purpose)s”时限已于 %(due)s 届满仍未办结，已督办。") % names
    try:
        with transaction.atomic():
            notice = SlaNotice.objects.create(
                case_type=deadline.owner_type,
                case_id=deadline.owner_id,
                deadline=deadline,
                kind=kind,
                due_date=deadline.due_date,
                department=department,
                message=message[:300],
            )
            case_event_record(
                kind=f"sla_{kind}",
                case_type=deadline.owner_type,
                case_id=deadline.owner_id,
                acting_user=acting_user,
                data={
                    "notice_id": notice.pk,
                    "deadline_id": deadline.pk,
                    "purpose": deadline.purpose,
                    "due_date": deadline.due_date,
                },
            )
            if case is not None:
                deadline_notify(
                    kind=kind,
                    notice_id=notice.pk,
                    case_type=deadline.owner_type,
                    case_id=deadline.owner_id,
                    reference=names["case"],
                    step_name=step,
                    due_date=deadline.due_date,
                    url=case_type.url_of(case),
                    department=department,
                    holders=[task.owner for task in case_open_tasks(case=case) if task.owner_id],
                )
    except IntegrityError:
        return None
    return notice


@transaction.atomic
def sla_notice_acknowledge(*, notice: SlaNotice, acting_user: Any) -> SlaNotice:
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), acting_user
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        case_event_record(
            kind="sla_notice_acknowledged",
            case_type=notice.case_type,
            case_id=notice.case_id,
            acting_user=acting_user,
            data={"notice_id": notice.pk},
        )
    return notice


def due_soon_working_days(*, on: date) -> int:
    return rule_value(code="sla.due_soon", on=on)


def deadline_due_soon_at(deadline: Deadline) -> datetime:
    """Start (00:00 Asia/Shanghai) of the working day from which `sla.due_soon` working days or fewer are left."""
    day = subtract_working_days(deadline.due_date, due_soon_working_days(on=deadline.received_on))
    return datetime.combine(day, time(0, 0), tzinfo=BUSINESS_TZ)


def deadline_breach_at(deadline: Deadline) -> datetime:
    """The first moment after the due date (00:00 Asia/Shanghai of the next day)."""
    return datetime.combine(deadline.due_date + timedelta(days=1), time(0, 0), tzinfo=BUSINESS_TZ)


def timers_reschedule(*, case_type: str, case_id: int) -> int:
    """Recompute `scheduled` of the case's pending Viewflow timers from their delay callables (which read the case's
    deadlines), after a pause, resume, extension or calendar change moved a due date. Returns how many moved."""
    registered = case_type_for(case_type)
    if registered is None:
        return 0
    content_type = ContentType.objects.get_for_model(registered.model)
    pending = Task.objects.filter(
        flow_task_type="TIMER",
        status=STATUS.SCHEDULED,
        process__artifact_content_type=content_type,
        process__artifact_object_id=case_id,
    ).select_related("process")
    moved = 0
    for task in pending:
        node = task.flow_task
        delay = getattr(node, "_delay", None)
        if node is None or not callable(delay):
            continue
        moment = delay(node.activation_class(task))
        if not isinstance(moment, datetime) or moment == task.scheduled:
            continue
        moved += Task.objects.filter(pk=task.pk, status=STATUS.SCHEDULED).update(scheduled=moment)
    return moved


def sla_sweep(*, today: date | None = None) -> dict[str, int]:
    """One run of the beat job: fire the due Viewflow timers, then raise the due-soon notices and breach escalations
    of every running deadline of a registered case type. Safe to run twice or in parallel."""
    from viewflow.workflow.timers import fire_due_timers

    fired = fire_due_timers()
    today = today or clock.today()
    labels = [case_type.label for case_type in case_types()]
    horizon = add_working_days(today, due_soon_working_days(on=today))
    running = Deadline.objects.filter(status=Deadline.Status.OPEN, owner_type__in=labels)

    def missing(kind: str):
        return Exists(SlaNotice.objects.filter(deadline=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date")))

    counts = {"timers_fired": fired, "due_soon": 0, "breach": 0}
    # A deadline already past gets the breach escalation, never a due-soon notice.
    due_soon = running.filter(due_date__gte=today, due_date__lte=horizon)
    for deadline in due_soon.exclude(missing(SlaNotice.Kind.DUE_SOON)):
        counts["due_soon"] += sla_notice_raise(deadline=deadline, kind=SlaNotice.Kind.DUE_SOON) is not None
    for deadline in running.filter(due_date__lt=today).exclude(missing(SlaNotice.Kind.BREACH)):
        counts["breach"] += sla_notice_raise(deadline=deadline, kind=SlaNotice.Kind.BREACH) is not None
    if any(counts.values()):
        logger.info("casework sla sweep: %s", counts)
    return counts


# -- reassignment ------------------------------------------------------------------------------------------------

TASK_REASSIGN_INVALID = "reassign_invalid"


def _reassign_error(field: str, message: str, status_code: int = 400) -> ApplicationError:
    return ApplicationError(TASK_REASSIGN_INVALID, message, fields={field: [message]}, status_code=status_code)


def task_reassigned_notify(*, task: Task, previous_owner: Any, new_owner: Any, acting_user: Any) -> None:
    """The one place a reassignment tells the new owner (issue 12, "reassigned (new owner)"): called after the
    commit; the notice names the case and the step in plain words and links to the case."""
    logger.info(
        "task %s reassigned from %s to %s by %s",
        task.pk,
        previous_owner.get_username() if previous_owner else "-",
        new_owner.get_username(),
        acting_user.get_username(),
    )
    case = task_case(task)
    if case is None:
        return
    case_type = case_type_for(case_label(case))
    reassigned_notify(
        task_id=task.pk,
        new_owner=new_owner,
        case_type=case_label(case),
        case_id=case.pk,
        reference=str(getattr(case, "reference", "") or case.pk),
        step_name=str(task.flow_task.task_title),
        url=case_type.url_of(case) if case_type else "",
    )


def task_reassign(*, task_ids: list[int], owner_username: str, acting_user: Any) -> list[Task]:
    """Give open tasks to another officer of the case's department, by a 科室负责人 (own department's cases) or the
    credit office (any). All or nothing: every task and the new owner are checked first (400 naming `tasks` or
    `owner`), then each task changes owner under its flow lock with a `task_reassigned` event in the case's history
    (the audit chain), in one transaction."""
    from apps.accounts.models import Role, User
    from apps.casework.selectors import _human_tasks, board_open_tasks, sla_board_department

    if not acting_user.has_perm("casework.reassign_task"):
        raise _forbidden(_("您无权改派任务。"))
    scope = sla_board_department(user=acting_user)
    new_owner = User.objects.filter(username=owner_username, is_active=True).select_related("department").first()
    if new_owner is None:
        raise _reassign_error("owner", _("用户“%(name)s”不存在。") % {"name": owner_username})
    if new_owner.role not in (Role.OFFICER, Role.REVIEWER) or new_owner.department_id is None:
        raise _reassign_error("owner", _("“%(name)s”不是承办部门的办案人员。") % {"name": owner_username})
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        raise _reassign_error("tasks", _("请至少选择一个任务。"))
    found = {task.pk: task for task in _human_tasks().filter(pk__in=ids).select_related("process", "owner")}
    reachable = set(
        board_open_tasks(user=acting_user, department=scope).filter(pk__in=ids).values_list("pk", flat=True)
    )
    for task_id in ids:
        task = found.get(task_id)
        if task is None:
            raise _reassign_error("tasks", _("任务 %(id)s 不存在。") % {"id": task_id})
        if task.status not in OPEN_TASK_STATUSES:
            raise _reassign_error("tasks", _("任务 %(id)s 已办结或已取消，不能改派。") % {"id": task_id})
        if task_id not in reachable:
            raise _reassign_error("tasks", _("任务 %(id)s 不属于您所在部门的案件。") % {"id": task_id})
        case = task_case(task)
        registered = case_type_for(case_label(case)) if case is not None else None
        department = registered.department_of(case) if registered else None
        if department is None or department.pk != new_owner.department_id:
            raise _reassign_error(
                "owner",
                _("“%(name)s”不属于任务 %(id)s 的承办部门。") % {"name": owner_username, "id": task_id},
            )
        node = task.flow_task
        if (hasattr(node, "has_capability") and not node.has_capability(new_owner)) or is_own_proposal_review(
            task=task, user=new_owner
        ):
            raise _reassign_error(
                "owner",
                _("“%(name)s”的角色不能办理“%(step)s”环节。") % {"name": owner_username, "step": node.task_title},
            )
    changed = []
    with transaction.atomic():
        for task_id in ids:
            task = found[task_id]
            flow_class = task.flow_task.flow_class
            try:
                with flow_class.lock(task.process_id):
                    task.refresh_from_db()
                    if task.status not in OPEN_TASK_STATUSES:
                        raise _reassign_error("tasks", _("任务 %(id)s 已办结或已取消，不能改派。") % {"id": task_id})
                    previous = task.owner
                    if previous is not None and previous.pk == new_owner.pk:
                        continue
                    task.owner = new_owner
                    task.assigned = timezone.now()
                    if task.status == STATUS.NEW:
                        task.status = STATUS.ASSIGNED
                    task.save(update_fields=["owner", "assigned", "status"])
                    task_event_record(
                        task,
                        "task_reassigned",
                        acting_user,
                        previous_owner=previous.get_username() if previous else None,
                        owner=new_owner.get_username(),
                    )
            except FlowLockFailed as exc:
                raise _lock_failed() from exc
            changed.append((task, previous))
        for task, previous in changed:
            transaction.on_commit(
                lambda task=task, previous=previous: task_reassigned_notify(
                    task=task, previous_owner=previous, new_owner=new_owner, acting_user=acting_user
                )
            )
    return [task for task, _previous in changed]
