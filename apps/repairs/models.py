"""Credit repair (信用修复) cases: the application, its step results, deadlines and the per-department sanction lifts.

The Viewflow process (apps.repairs.flows) only routes; everything a queue, a sweep or a report filters on (status,
department, due dates) is a real column here.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from viewflow import jsonstore
from viewflow.workflow.models import Process

from apps.accounts.models import Department
from apps.casework.models import Channel
from apps.core.models import TimeStampedModel
from apps.subjects.models import NegativeRecord, Sanction, Subject


class RepairKind(models.TextChoices):
    END_PUBLICATION = "end_publication", _("提前停止公示")
    LEAVE_LIST = "leave_list", _("移出严重失信主体名单")


class RepairCase(TimeStampedModel):
    class Status(models.TextChoices):
        INTAKE = "intake", _("受理审查")
        SUPPLEMENT = "supplement", _("待申请人补正")
        VERIFICATION = "verification", _("核查")
        PROPOSAL = "proposal", _("拟办")
        REVIEW = "review", _("审核")
        EXECUTION = "execution", _("执行修复")
        REPAIRED = "repaired", _("已办结：修复完成")
        REFUSED = "refused", _("已办结：不予修复")
        WITHDRAWN = "withdrawn", _("已办结：视为撤回")
        REVOKED = "revoked", _("修复已撤销")

    OPEN_STATUSES = (
        Status.INTAKE,
        Status.SUPPLEMENT,
        Status.VERIFICATION,
        Status.PROPOSAL,
        Status.REVIEW,
        Status.EXECUTION,
    )

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("予以修复")
        REFUSE = "refuse", _("不予修复")

    id = models.BigAutoField(primary_key=True)  # integer ids: Viewflow artifacts point here
    reference = models.CharField(_("案件编号"), max_length=32, blank=True)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="repair_cases", verbose_name=_("申请主体")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="repair_cases", verbose_name=_("认定部门（承办）")
    )
    records = models.ManyToManyField(NegativeRecord, related_name="repair_cases", verbose_name=_("申请修复的信息"))
    kind = models.CharField(_("修复类型"), max_length=32, choices=RepairKind.choices)
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    statement = models.TextField(_("整改情况说明"), blank=True)
    filed_at = models.DateTimeField(_("申请时间"))
    filing_date = models.DateField(_("申请日"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.INTAKE, db_index=True)

    # The rule rows in force on the filing date: {code: {"value", "source", "rule_id"}} and their sources in words.
    rules = models.JSONField(_("适用规则"), default=dict)
    rule_source = models.CharField(_("规则依据"), max_length=600, blank=True)
    requires_training = models.BooleanField(_("须提交培训证明"), default=False)
    requires_credit_report = models.BooleanField(_("须提交信用报告"), default=False)

    # Deadlines: the whole case (answer to the applicant) and the current step, as columns and as sla Deadlines.
    due_date = models.DateField(_("办结期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    step_due_date = models.DateField(_("当前环节期限"), null=True, blank=True, db_index=True)
    overall_deadline = models.ForeignKey(
        "sla.Deadline", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办结时限")
    )
    intake_deadline = models.ForeignKey(
        "sla.Deadline", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("受理时限")
    )
    step_deadline = models.ForeignKey(
        "sla.Deadline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("当前环节时限"),
    )

    # 补正: one complete list, once.
    supplement_items = models.JSONField(_("补正事项"), default=list, blank=True)
    supplement_requested_at = models.DateTimeField(_("补正告知时间"), null=True, blank=True)
    # The applicant's time limit to answer; its due date moves with calendar changes (see supplement_answer_by).
    supplement_deadline = models.ForeignKey(
        "sla.Deadline", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("补正时限")
    )
    supplement_answered_at = models.DateTimeField(_("补正提交时间"), null=True, blank=True)
    supplement_note = models.TextField(_("补正说明"), blank=True)

    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    obligations_fulfilled = models.BooleanField(_("已履行法定义务"), null=True, blank=True)
    commitment_valid = models.BooleanField(_("信用承诺有效"), null=True, blank=True)
    training_ok = models.BooleanField(_("培训证明"), null=True, blank=True)
    credit_report_ok = models.BooleanField(_("信用报告"), null=True, blank=True)
    verification_note = models.TextField(_("核查意见"), blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    proposed_outcome = models.CharField(_("拟办意见"), max_length=16, choices=Outcome.choices, blank=True)
    proposal_reasons = models.TextField(_("拟办理由"), blank=True)
    proposed_at = models.DateTimeField(_("拟办时间"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("拟办人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    review_note = models.TextField(_("审核意见"), blank=True)

    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, blank=True)
    refusal_reasons = models.JSONField(_("不予修复理由"), default=list, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    publication_stopped_at = models.DateTimeField(_("停止公示时间"), null=True, blank=True)
    sharing_stopped_at = models.DateTimeField(_("停止共享时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    commitment = models.OneToOneField(
        "commitments.Commitment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_case",
        verbose_name=_("信用修复承诺书"),
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        verbose_name = _("信用修复案件")
        verbose_name_plural = _("信用修复案件")
        ordering = ["-filed_at", "-id"]
        permissions = [
            ("work_repaircase", _("办理本部门信用修复案件（对象权限）")),
            ("handle_repair", _("承办信用修复：受理、核查、拟办、执行")),
            ("review_repair", _("审核信用修复决定、撤销修复")),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="repairs_case_dept_status_idx"),
            # The lists' order (newest first): a page is the first rows of this index, not a sort of the table.
            models.Index(fields=["-filed_at", "-id"], name="repairs_case_filed_idx"),
        ]
        constraints = [
            # Blank only between the insert and the reference derived from the id (services.repair_file).
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""), name="repairs_reference_unique"),
            # Four eyes: nobody reviews their own proposal (services.repair_review says so first). A return leaves
            # the returning reviewer on the row until the next review, so a review older than the proposal is not
            # a review of it.
            models.CheckConstraint(
                condition=Q(proposed_by__isnull=True)
                | Q(reviewed_by__isnull=True)
                | Q(reviewed_at__lt=F("proposed_at"))
                | ~Q(proposed_by=F("reviewed_by")),
                name="repairs_reviewer_not_proposer",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"XF#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def supplement_answer_by(self) -> date | None:
        """补正截止日: always the supplement deadline's current due date, never a copy that could go stale."""
        return self.supplement_deadline.due_date if self.supplement_deadline is not None else None


class SanctionLift(models.Model):
    """One department's confirmation that it lifted the sanctions it imposed because of the repaired records."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认解除")
        CONFIRMED = "confirmed", _("已确认解除")
        RESTORED = "restored", _("修复撤销，已恢复")

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(RepairCase, on_delete=models.CASCADE, related_name="lifts", verbose_name=_("案件"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="sanction_lifts", verbose_name=_("实施惩戒部门")
    )
    sanctions = models.ManyToManyField(Sanction, related_name="lifts", verbose_name=_("惩戒措施"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    due_date = models.DateField(_("确认期限"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("惩戒解除确认")
        verbose_name_plural = _("惩戒解除确认")
        ordering = ["case", "department__code"]
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="repairs_lift_case_department")]
        indexes = [models.Index(fields=["department", "status"], name="repairs_lift_dept_status_idx")]

    def __str__(self) -> str:
        return f"{self.case} / {self.department}"


class RepairProcess(Process):
    """The Viewflow process of a repair case: routing flags only (business data is on RepairCase)."""

    intake_outcome = jsonstore.CharField(max_length=16, blank=True)
    proposed_outcome = jsonstore.CharField(max_length=16, blank=True)
    review_outcome = jsonstore.CharField(max_length=16, blank=True)
    has_sanctions = jsonstore.BooleanField(default=False)

    class Meta:
        proxy = True
        verbose_name = _("信用修复流程")
        verbose_name_plural = _("信用修复流程")
