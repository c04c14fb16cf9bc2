"""Shared case machinery: documents (uploads), idempotent submissions, SLA notices, and the task model of flows.

Every row points at its case by (case_type, case_id): the case model's label_lower and integer primary key, the
same pair apps.core.models.CaseEvent uses.
"""

import uuid
from functools import reduce
from operator import or_
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.accounts.models import User

if TYPE_CHECKING:  # viewflow ships no types: to mypy its task queryset is Django's
    from django.db.models import QuerySet as TaskQuerySet
else:
    from viewflow.workflow.managers import TaskQuerySet


def private_storage() -> FileSystemStorage:
    """Files live under settings.PRIVATE_STORAGE_ROOT, outside the web root, and have no URL: they are served only
    by permission-checked views."""
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT, base_url=None)


def document_path(instance: "Document", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"cases/{instance.case_type}/{instance.case_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """A file attached to a case: evidence, a 补正 answer, a scanned commitment. Its SHA-256 is in the case history."""

    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    id = models.BigAutoField(primary_key=True)
    case_type = models.CharField(_("案件类型"), max_length=64)
    case_id = models.BigIntegerField(_("案件编号"))
    purpose = models.CharField(_("用途"), max_length=32, default="evidence")
    title = models.CharField(_("材料名称"), max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=32, choices=Kind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=document_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("案件材料")
        verbose_name_plural = _("案件材料")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="casework_doc_case_idx")]

    def __str__(self) -> str:
        return self.title or self.original_name


class Channel(models.TextChoices):
    """How a case reached the office: filed online by the applicant, or entered at the counter by a clerk on the
    applicant's behalf. Every case app uses this one."""

    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口代办")


class SlaNotice(models.Model):
    """A due-soon reminder or a breach escalation of one deadline. The unique constraint on (deadline, kind, due date)
    makes each appear exactly once per version of the due date, however often the sweep or a timer runs."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("临期提醒")
        BREACH = "breach", _("超期督办")

    id = models.BigAutoField(primary_key=True)
    case_type = models.CharField(_("案件类型"), max_length=64)
    case_id = models.BigIntegerField(_("案件编号"))
    deadline = models.ForeignKey("sla.Deadline", on_delete=models.CASCADE, related_name="+", verbose_name=_("时限"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    due_date = models.DateField(_("截止日"), help_text=_("发出时的截止日；截止日顺延后可再次提醒"))
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("发出时间"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("时限提醒与督办")
        verbose_name_plural = _("时限提醒与督办")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind", "due_date"], name="casework_notice_once_per_version")
        ]
        indexes = [
            models.Index(fields=["case_type", "case_id"], name="casework_notice_case_idx"),
            models.Index(fields=["department", "kind", "created_at"], name="casework_notice_dept_idx"),
            # The monitor's list (every notice, newest first): a page is the first rows of this index.
            models.Index(fields=["-created_at", "-id"], name="casework_notice_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_type}:{self.case_id} {self.due_date}"


def case_visibility_q(user: User, prefix: str = "") -> Q:
    """A condition on a viewflow Process (`prefix=""`) or on what points at one (`prefix="process__"`): its case is
    one `user` may see, by the registered case type's `visible` queryset. A process without a case (or of a type
    without `visible`) is the superuser's only."""
    from django.contrib.contenttypes.models import ContentType

    from apps.casework.registry import case_types

    if getattr(user, "is_superuser", False):
        return Q()
    if not getattr(user, "is_authenticated", False):
        return Q(**{f"{prefix}pk__in": []})
    conditions = [
        Q(
            **{
                f"{prefix}artifact_content_type": ContentType.objects.get_for_model(case_type.model),
                f"{prefix}artifact_object_id__in": case_type.visible(user=user).values("pk"),
            }
        )
        for case_type in case_types()
        if case_type.visible is not None
    ]
    return reduce(or_, conditions) if conditions else Q(**{f"{prefix}pk__in": []})


def own_proposals_q(user: User) -> Q | None:
    """Tasks that are the review (a NotByProposer step) of a decision `user` proposed; None if there is none."""
    from django.contrib.contenttypes.models import ContentType

    from apps.casework.registry import case_types, own_review_nodes

    nodes = own_review_nodes()
    if not nodes or not getattr(user, "is_authenticated", False):
        return None
    from viewflow.workflow.models import Process

    proposed = [
        Q(
            artifact_content_type=ContentType.objects.get_for_model(case_type.model),
            artifact_object_id__in=case_type.proposals_of(user=user).values("pk"),
        )
        for case_type in case_types()
        if case_type.proposals_of is not None
    ]
    if not proposed:
        return None
    # The processes of those cases as a subquery: the condition reads the task row only, so a queue is not forced
    # to join every process before it knows which tasks it lists.
    return Q(flow_task__in=nodes, process_id__in=Process.objects.filter(reduce(or_, proposed)).values("pk"))


class CaseTaskQuerySet(TaskQuerySet["CaseTask"]):
    def visible_to(self, user: User) -> "CaseTaskQuerySet":
        """Tasks of the cases `user` may see (the workbench lists)."""
        return self.filter(case_visibility_q(user, prefix="process__"))

    def without_own_reviews(self, user: User) -> "CaseTaskQuerySet":
        """Without the reviews of decisions `user` proposed: those are never the proposer's (four eyes)."""
        own = own_proposals_q(user)
        return self if own is None else self.exclude(own)

    def user_queue(
        self, user: User, flow_class: type | None = None, *, waiting_only: bool = False
    ) -> "CaseTaskQuerySet":
        """Tasks the user may take: open to all, held by them, or needing a permission they hold globally or on the
        task's object (guardian: the case's department group). Unlike viewflow's version it is one query whatever
        the number of object permissions, and it also drops the steps of a role the user lacks (a review step is
        not in an officer's queue even inside the department) and the reviews of the user's own proposals.

        waiting_only: only tasks waiting to be claimed (status NEW); the object permissions are then read only for
        the objects of open tasks, so the query grows with the work in hand, not with the years of closed cases whose
        permissions the department group still holds."""
        from guardian.models import GroupObjectPermission, UserObjectPermission

        from apps.casework.registry import nodes_without_capability

        queryset = self.filter(flow_task_type="HUMAN")
        if waiting_only:
            queryset = queryset.filter(status=STATUS.NEW)
        if flow_class is not None:
            queryset = queryset.filter(process__flow_class=flow_class)
        if not user.is_superuser:
            perm_name = Concat(
                "permission__content_type__app_label",
                Value("."),
                "permission__codename",
                output_field=models.CharField(),
            )

            def on_the_object(model, **owner):
                held = Exists(
                    model.objects.filter(
                        content_type_id=OuterRef("owner_permission_content_type_id"),
                        object_pk=OuterRef("owner_permission_obj_pk"),
                        **owner,
                    )
                    .annotate(perm_name=perm_name)
                    .filter(perm_name=OuterRef("owner_permission"))
                )
                if not waiting_only:
                    return held
                # The waiting tasks whose object the user holds the task's permission on, as a set of task ids:
                # a semi-join that starts from the open-task index and probes the grants by (group or user, object)
                # for each, computed once per query. Inside the OR below, a correlated EXISTS would be planned as a
                # hash of every grant the group ever received (every closed case's too).
                return Q(
                    pk__in=Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW).filter(held).values("pk")
                )

            queryset = queryset.filter(
                Q(owner_permission__isnull=True)
                | Q(owner=user)
                | Q(owner_permission__in=user.get_all_permissions())
                | on_the_object(GroupObjectPermission, group__user=user)
                | on_the_object(UserObjectPermission, user=user)
            )
        excluded = nodes_without_capability(user)
        if excluded:
            queryset = queryset.exclude(flow_task__in=excluded)
        return queryset.without_own_reviews(user)


class CaseTask(Task):
    """The task model of every case flow (a proxy: same table as viewflow's Task)."""

    objects = CaseTaskQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("办理任务")
        verbose_name_plural = _("办理任务")
        permissions = [
            ("use_workbench", _("使用办案工作台")),
            ("view_sla_board", _("查看时限看板与超期清单")),
            ("reassign_task", _("改派办理任务")),
        ]
