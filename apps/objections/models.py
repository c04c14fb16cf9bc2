"""Objections (异议) to published negative records: the case, its parties and its documents.

The case's business data lives here; the Viewflow process (apps.objections.flows) only routes. Everything a queue,
a sweep or a report filters on (status, department, due date) is a real column.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from viewflow import jsonstore
from viewflow.workflow.models import Process

from apps.accounts.models import Department
from apps.casework.models import Channel
from apps.core.models import TimeStampedModel
from apps.subjects.models import NegativeRecord, ObjectionOutcome, Subject


class Ground(models.TextChoices):
    ERROR = "error", _("信息错误")
    OMISSION = "omission", _("信息遗漏")
    DUPLICATE = "duplicate", _("重复公示")
    SHOULD_NOT_PUBLISH = "should_not_publish", _("不应公示")
    PAST_PERIOD = "past_period", _("超期公示")
    DIFFERS_FROM_AUTHORITY = "differs_from_authority", _("与认定部门信息不一致")


# What an outcome does to the record is the record's owner's rule (apps.subjects), so the choices live there.
Outcome = ObjectionOutcome


class ObjectionStatus(models.TextChoices):
    VERIFYING = "verifying", _("核查中")
    AWAITING_MATERIAL = "awaiting_material", _("待申请人补充材料")
    REVIEWING = "reviewing", _("待审核")
    APPLYING = "applying", _("执行核查结果")
    REPLYING = "replying", _("出具答复")
    CLOSED = "closed", _("已办结")


# Every status but closed. The one-open-case constraint is built from it, so a new status cannot drift from it.
OPEN_STATUSES = (
    ObjectionStatus.VERIFYING,
    ObjectionStatus.AWAITING_MATERIAL,
    ObjectionStatus.REVIEWING,
    ObjectionStatus.APPLYING,
    ObjectionStatus.REPLYING,
)


class Objection(TimeStampedModel):
    """One objection case on one record. Later objections on the same record by other subjects join it as parties."""

    Status = ObjectionStatus
    OPEN_STATUSES = OPEN_STATUSES

    id = models.BigAutoField(primary_key=True)  # integer ids: Viewflow artifacts point here
    reference = models.CharField(_("案件编号"), max_length=32, blank=True)
    record = models.ForeignKey(
        NegativeRecord, on_delete=models.PROTECT, related_name="objections", verbose_name=_("异议信息")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="objections", verbose_name=_("提出异议的主体")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="objections", verbose_name=_("核查部门")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("申请人账号"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    channel = models.CharField(_("提交渠道"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    ground = models.CharField(_("异议理由"), max_length=32, choices=Ground.choices)
    statement = models.TextField(_("异议陈述"))
    claimed = models.JSONField(_("申请人主张的正确内容"), default=dict, blank=True)
    filed_at = models.DateTimeField(_("提交时间"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.VERIFYING, db_index=True)
    # The whole case's time limit (rule objection.close), copied from its sla Deadline so queues can filter on it.
    deadline = models.OneToOneField(
        "sla.Deadline", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办结时限")
    )
    due_date = models.DateField(_("办结截止日"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("截止日暂定"), default=False)
    limit_working_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), default=0)
    limit_rule_source = models.CharField(_("时限依据"), max_length=300, blank=True)
    # 补正: the officer may ask for more material once; the clock stops until the applicant answers.
    material_request = models.TextField(_("补充材料要求"), blank=True)
    material_requested_at = models.DateTimeField(_("要求补充材料时间"), null=True, blank=True)
    material_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    material_answer = models.TextField(_("补充说明"), blank=True)
    material_answered_at = models.DateTimeField(_("补充材料时间"), null=True, blank=True)
    # The party whose answer it is: only that party (and staff) reads the answer.
    material_answered_by = models.ForeignKey(
        "ObjectionParty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("补充材料的当事人"),
    )
    # Verification result proposed by an officer, approved by somebody else.
    outcome = models.CharField(_("核查结果"), max_length=16, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    corrections = models.JSONField(_("更正内容"), default=dict, blank=True)
    finding = models.TextField(_("无法确认的核查情况"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出核查结果时间"), null=True, blank=True)
    proposals = models.PositiveSmallIntegerField(_("提出次数"), default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    applied_at = models.DateTimeField(_("结果执行时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("按期办结"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议案件")
        verbose_name_plural = _("异议案件")
        ordering = ["-filed_at", "-id"]
        permissions = [
            # object permission of the source department's group on each of its cases (guardian)
            ("work_objection", _("办理本部门的异议案件")),
            # role capabilities (model permissions of the officer and reviewer roles)
            ("handle_objection", _("承办异议核查")),
            ("approve_objection", _("审核异议核查结果")),
            # what an applicant may do on a case of a subject they act for (checked by the access function)
            ("answer_objection", _("补充异议材料")),
        ]
        constraints = [
            # One open case per record: a second objection joins it (apps.objections.services.objection_file).
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status__in=list(OPEN_STATUSES)),
                name="objections_one_open_case_per_record",
            ),
            # Blank only between the insert and the reference derived from the id (services.objection_file).
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="objections_reference_unique"
            ),
            # Four eyes: the proposal is always reviewed by somebody else (services.objection_review says so first).
            models.CheckConstraint(
                condition=Q(proposed_by__isnull=True) | Q(reviewed_by__isnull=True) | ~Q(proposed_by=F("reviewed_by")),
                name="objections_reviewer_not_proposer",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="objections_dept_status_idx"),
            # The list's order (newest first): a page is the first rows of this index, not a sort of the table.
            models.Index(fields=["-filed_at", "-id"], name="objections_filed_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or f"异议 #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ObjectionParty(models.Model):
    """A subject that objected to the record of this case: the first filer, and any subject joined later. Each party
    sees only its own filing (statement, contact, commitment, documents), never another party's."""

    class Role(models.TextChoices):
        FILER = "filer", _("申请人")
        JOINED = "joined", _("合并处理的申请人")

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="parties")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="objection_parties")
    role = models.CharField(_("身份"), max_length=8, choices=Role.choices, default=Role.FILER)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("提交渠道"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    ground = models.CharField(_("异议理由"), max_length=32, choices=Ground.choices)
    statement = models.TextField(_("异议陈述"))
    claimed = models.JSONField(_("申请人主张的正确内容"), default=dict, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    joined_at = models.DateTimeField(_("提交时间"))
    # 异议申诉信用承诺书 signed with the filing (apps.commitments, type objection_appeal).
    commitment = models.OneToOneField(
        "commitments.Commitment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("异议申诉承诺书"),
    )
    # What this party filed (evidence, its answer to the request for material): only it and staff see them.
    documents = models.ManyToManyField("casework.Document", blank=True, related_name="+", verbose_name=_("提交的材料"))

    class Meta:
        verbose_name = _("异议当事人")
        verbose_name_plural = _("异议当事人")
        ordering = ["objection", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["objection", "subject"], name="objections_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.objection}"


class ObjectionProcess(Process):
    """The Viewflow process of an objection: routing flags only (business data is on Objection). The step handlers
    set them; the flow's gateways read them."""

    verify_action = jsonstore.CharField(max_length=16, blank=True)  # "propose" or "request_material"
    review_approved = jsonstore.BooleanField(default=False)

    class Meta:
        proxy = True
        verbose_name = _("异议处理流程")
        verbose_name_plural = _("异议处理流程")
