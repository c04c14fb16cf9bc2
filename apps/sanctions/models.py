"""Joint rewards and sanctions (联合奖惩): the lists of disciplinary measures as versioned rows, the credit checks
departments run inside their own procedures, and the feedback on the measures they applied.

A measure may be applied only if it is on the national base list or the local supplementary list; a check answers
with the measures of those lists that the subject's public records trigger for the matter and the checking
department, and feedback may name only those.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.models import TimeStampedModel
from apps.subjects.models import RecordKind, Severity, Subject


class MatterType(models.TextChoices):
    """The procedures in which a department checks a subject's credit (the seeds' 行政管理事项)."""

    ADMINISTRATIVE_APPROVAL = "administrative_approval", _("行政审批")
    GOVERNMENT_PROCUREMENT = "government_procurement", _("政府采购")
    PROJECT_APPLICATION = "project_application", _("项目申报")
    HONOURS = "honours", _("评先评优")
    PUBLIC_RESOURCE_TRADING = "public_resource_trading", _("公共资源交易")
    FISCAL_SUPPORT = "fiscal_support", _("财政资金支持与政策扶持")
    QUALIFICATION = "qualification", _("资质认定与市场准入")
    # Matters handled under the notification-commitment system (国办发〔2020〕42号): the credit check comes first, as
    # a subject with serious dishonesty or a false commitment may not use it; the commitment app counts them.
    COMMITMENT_APPROVAL = "commitment_approval", _("告知承诺制审批")
    CERTIFICATION = "certification", _("证明事项")


class MeasureList(models.TextChoices):
    NATIONAL = "national", _("全国失信惩戒措施基础清单")
    LOCAL = "local", _("地方失信惩戒措施补充清单")


def _check_choices(value: list, choices: type[models.TextChoices], field: str, errors: dict) -> None:
    if not isinstance(value, list) or any(item not in choices.values for item in value):
        errors[field] = _("取值须为以下之一的列表：%(values)s") % {"values": "、".join(choices.values)}


class Measure(TimeStampedModel):
    """One version of a disciplinary measure. A change is a new row (same code, later effective_from); the rows a
    past check offered stay as they were."""

    code = models.CharField(_("措施编号"), max_length=32, db_index=True)
    source_list = models.CharField(_("所属清单"), max_length=16, choices=MeasureList.choices)
    title = models.CharField(_("惩戒措施"), max_length=300)
    legal_basis = models.CharField(_("法律法规依据"), max_length=500)
    record_kinds = models.JSONField(_("触发的信息类别"), default=list, help_text=_("信息类别代码列表"))
    severities = models.JSONField(_("触发的失信程度"), default=list, help_text=_("失信程度代码列表"))
    sectors = models.JSONField(
        _("实施部门（领域）"), default=list, blank=True, help_text=_("部门领域代码列表；空=各部门均可实施")
    )
    matter_types = models.JSONField(_("适用事项"), default=list, help_text=_("事项类型代码列表"))
    region_code = models.CharField(
        _("适用地区"), max_length=6, blank=True, help_text=_("行政区划代码前缀；空=全国（补充清单须填写）")
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("含当日；空=长期有效"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("失信惩戒措施")
        verbose_name_plural = _("失信惩戒措施清单")
        ordering = ["source_list", "code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="sanctions_measure_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        errors: dict = {}
        _check_choices(self.record_kinds, RecordKind, "record_kinds", errors)
        _check_choices(self.severities, Severity, "severities", errors)
        _check_choices(self.sectors, Department.Sector, "sectors", errors)
        _check_choices(self.matter_types, MatterType, "matter_types", errors)
        for field in ("record_kinds", "severities", "matter_types"):
            if field not in errors and not getattr(self, field):
                errors[field] = _("至少选择一项。")
        if self.effective_to and self.effective_to < self.effective_from:
            errors["effective_to"] = _("失效日期不能早于生效日期。")
        if self.region_code and not self.region_code.isdigit():
            errors["region_code"] = _("地区应为行政区划代码（数字）。")
        if self.source_list == MeasureList.LOCAL and not self.region_code:
            errors["region_code"] = _("补充清单的措施须注明适用地区。")
        if errors:
            raise ValidationError(errors)


class CreditCheck(TimeStampedModel):
    """One credit check (信用核查) a department ran inside one of its procedures, with what it was answered."""

    id = models.BigAutoField(primary_key=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_checks",
        verbose_name=_("信用主体"),
        help_text=_("空=库中无此主体（无失信信息）"),
    )
    matter_type = models.CharField(_("事项类型"), max_length=32, choices=MatterType.choices)
    matter_reference = models.CharField(_("事项编号"), max_length=100)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="credit_checks", verbose_name=_("核查部门")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("核查人")
    )
    on_serious_list = models.BooleanField(_("列入严重失信主体名单"), default=False)
    # What the department was told, as it was told (the shareable fields only): {"records": [...], "measures":
    # [...], "commitments": [...]}. Later changes to a record do not rewrite the answer of a past check.
    answer = models.JSONField(_("核查结果"), default=dict, encoder=DjangoJSONEncoder)
    measures = models.ManyToManyField(Measure, related_name="checks", blank=True, verbose_name=_("应实施的措施"))

    class Meta:
        verbose_name = _("信用核查")
        verbose_name_plural = _("信用核查")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "created_at"], name="sanctions_check_dept_idx")]
        permissions = [("run_credit_check", _("开展信用核查"))]

    def __str__(self) -> str:
        return f"{self.uscc} {self.get_matter_type_display()} {self.matter_reference}"


class CheckFeedback(TimeStampedModel):
    """Whether the checking department applied one of the measures its check was answered with (实施结果反馈)."""

    id = models.BigAutoField(primary_key=True)
    credit_check = models.ForeignKey(
        CreditCheck, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("核查")
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+", verbose_name=_("惩戒措施"))
    applied = models.BooleanField(_("已实施"))
    note = models.TextField(_("说明"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("反馈人")
    )

    class Meta:
        verbose_name = _("措施实施反馈")
        verbose_name_plural = _("措施实施反馈")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit_check", "measure"], name="sanctions_feedback_once_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.credit_check_id}: {self.measure.code} {'✓' if self.applied else '✗'}"


class MeasureRemoval(TimeStampedModel):
    """A checking department's task to remove the measures it applied (feedback applied=true) on a subject whose
    basis ended (the record was repaired, its publication expired, or it was deleted on objection), and its
    confirmation, as the sanctioning departments confirm their lifts in a repair. One per department and event;
    each applied measure is asked to be removed once (MeasureRemovalItem)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认解除")
        CONFIRMED = "confirmed", _("已确认解除")

    class Reason(models.TextChoices):
        REPAIRED = "repaired", _("已完成信用修复")
        EXPIRED = "expired", _("公示期满，停止公示")
        DELETED = "deleted", _("经异议核实已删除")

    id = models.BigAutoField(primary_key=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="measure_removals", verbose_name=_("核查部门")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="measure_removals", verbose_name=_("信用主体")
    )
    reason = models.CharField(_("依据失效原因"), max_length=16, choices=Reason.choices)
    records = models.ManyToManyField(
        "subjects.NegativeRecord", related_name="+", verbose_name=_("不再作为依据的失信信息")
    )
    feedback = models.ManyToManyField(
        CheckFeedback, through="MeasureRemovalItem", related_name="+", verbose_name=_("已实施的措施")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    due_date = models.DateField(
        _("解除期限"), null=True, blank=True, help_text=_("按规则 sanctions.removal 计算的工作日期限；空=无生效规则")
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("核查部门惩戒措施解除确认")
        verbose_name_plural = _("核查部门惩戒措施解除确认")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "status"], name="sanctions_removal_dept_idx")]

    def __str__(self) -> str:
        return f"{self.department} / {self.subject}"

    def overdue_on(self, today: date) -> bool:
        """Still pending after its due date."""
        return self.status == self.Status.PENDING and self.due_date is not None and today > self.due_date


class MeasureRemovalItem(models.Model):
    """An applied measure named in a removal task. One-to-one: a measure is asked to be removed once."""

    id = models.BigAutoField(primary_key=True)
    removal = models.ForeignKey(MeasureRemoval, on_delete=models.CASCADE, related_name="items")
    feedback = models.OneToOneField(CheckFeedback, on_delete=models.PROTECT, related_name="removal_item")

    class Meta:
        verbose_name = _("解除的措施")
        verbose_name_plural = _("解除的措施")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.removal_id}: {self.feedback_id}"


class CaseReport(TimeStampedModel):
    """A department's monthly joint-sanction case report (联合奖惩案例月报) to the credit office, due before the 23rd
    of the next month: what its checks found and which measures it applied, snapshotted when it was submitted, with
    its PDF letter."""

    id = models.BigAutoField(primary_key=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="sanction_case_reports", verbose_name=_("报送部门")
    )
    month = models.DateField(_("统计月份"), help_text=_("该月第一天"))
    figures = models.JSONField(_("报送内容"), default=dict, encoder=DjangoJSONEncoder)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("报送人")
    )
    due_date = models.DateField(_("报送期限"))
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("文书")
    )

    class Meta:
        verbose_name = _("联合奖惩案例月报")
        verbose_name_plural = _("联合奖惩案例月报")
        ordering = ["-month", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="sanctions_case_report_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"

    @property
    def late(self) -> bool:
        return self.created_at is not None and timezone.localtime(self.created_at).date() > self.due_date
