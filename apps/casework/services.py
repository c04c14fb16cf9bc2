"""Writes of the shared case machinery: case documents (uploads) and task claim/release/complete/reassign. Domain
apps call these; nothing here knows a domain. Case mechanics (locking, the flow of a case) are in
apps.casework.cases, SLA policy in apps.casework.sla_policy, HTTP idempotency in apps.core.idempotency."""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.accounts.models import User
from apps.casework.cases import case_of_process, is_own_proposal_review
from apps.casework.models import Document
from apps.casework.registry import case_type_for, task_handler_for
from apps.core.errors import ApplicationError, ConflictError
from apps.core.services import case_event_record, case_label
from apps.notifications.services import task_reassigned_notify as reassigned_notify

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
    upload: "UploadedFile[bytes]"
    content_type: str
    sha256: str
    size: int


def _upload_error(message: str, field: str = "files") -> ApplicationError:
    return ApplicationError(UPLOAD_INVALID, message, fields={field: [message]}, status_code=400)


def upload_check(upload: "UploadedFile[bytes]", *, field: str = "files") -> CheckedUpload:
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
    upload: "UploadedFile[bytes] | CheckedUpload",
    acting_user: User,
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
    *, case: models.Model, uploads: Iterable[CheckedUpload], acting_user: User, purpose: str = "evidence"
) -> list[Document]:
    return [document_attach(case=case, upload=u, acting_user=acting_user, purpose=purpose) for u in uploads]


# -- tasks -----------------------------------------------------------------------------------------------------

TASK_TAKEN = "task_taken"
TASK_LOCKED = "task_locked"
TASK_CLOSED = "task_closed"
TASK_FORBIDDEN = "forbidden"
TASK_NO_HANDLER = "task_not_completable"

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def task_case(task: Task) -> models.Model | None:
    return case_of_process(task.process)


def task_event_record(task: Task, kind: str, acting_user: User, **data: Any) -> None:
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


def _claim_locked(task: Task, acting_user: User) -> None:
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


def task_claim(*, task: Task, acting_user: User) -> Task:
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


def task_release(*, task: Task, acting_user: User) -> Task:
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


def task_complete(*, task: Task, data: dict[str, Any], acting_user: User) -> Task:
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


# -- reassignment ------------------------------------------------------------------------------------------------

TASK_REASSIGN_INVALID = "reassign_invalid"


def _reassign_error(field: str, message: str, status_code: int = 400) -> ApplicationError:
    return ApplicationError(TASK_REASSIGN_INVALID, message, fields={field: [message]}, status_code=status_code)


def task_reassigned_notify(*, task: Task, previous_owner: User, new_owner: User, acting_user: User) -> None:
    """The one place a reassignment tells the new owner (issue 12, "reassigned (new owner)"): called in the
    reassignment's transaction; the notice names the case and the step in plain words and links to the case."""
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


def task_reassign(*, task_ids: list[int], owner_username: str, acting_user: User) -> list[Task]:
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
        department = registered.department_of(case) if registered and case is not None else None
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
        # in the same transaction: the notices commit with the reassignment (never lost after it), and their
        # delivery is owed in the outbox
        for task, previous in changed:
            task_reassigned_notify(task=task, previous_owner=previous, new_owner=new_owner, acting_user=acting_user)
    return [task for task, _previous in changed]
