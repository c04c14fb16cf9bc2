"""Versioned rule rows: every legal number (publication periods, time limits, refusal rules) is data with a source."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleCode(models.TextChoices):
    PUBLICATION_MIN_MONTHS = "publication.min_months", _("最短公示期（月）")
    PUBLICATION_MAX_MONTHS = "publication.max_months", _("最长公示期（月）")
    REPAIR_PORTAL_ANSWER = "repair.portal_answer", _("信用网站答复时限（工作日）")
    REPAIR_INTAKE = "repair.intake", _("受理审查时限（工作日）")
    REPAIR_SUPPLEMENT_ANSWER = "repair.supplement_answer", _("补正答复期限（工作日）")
    REPAIR_DEPARTMENT_DECISION = "repair.department_decision", _("认定部门决定时限（工作日）")
    REPAIR_EXECUTION = "repair.execution", _("修复结果执行时限（工作日）")
    REPAIR_MIN_INTERVAL_MONTHS = "repair.min_interval_months", _("两次修复最短间隔（月）")
    REPAIR_MAX_IN_WINDOW = "repair.max_in_window", _("期间内最多修复次数")
    REPAIR_WINDOW_YEARS = "repair.window_years", _("修复次数统计期间（年）")
    REPAIR_NOT_REPAIRABLE = "repair.not_repairable", _("不可修复（1=不可修复）")
    REPAIR_REQUIRES_TRAINING = "repair.requires_training", _("须参加信用修复培训（1=需要）")
    REPAIR_REQUIRES_CREDIT_REPORT = "repair.requires_credit_report", _("须提交信用报告（1=需要）")
    OBJECTION_MARK = "objection.mark", _("异议标注时限（工作日）")
    OBJECTION_CLOSE = "objection.close", _("异议办结时限（工作日）")
    DUE_SOON_WORKING_DAYS = "sla.due_soon", _("临期提醒提前量（工作日）")
    DISCLOSURE_DOUBLE = "disclosure.double_publicity", _("双公示上网时限（工作日）")
    REPORT_MONTHLY_DUE_DAY = "report.monthly_due_day", _("月度报告报送日（每月几日前）")
    # When a commitment's fulfilment is checked (履约践诺核查): working days after signing, one row per type.
    COMMITMENT_CHECK_APPROVAL_SUBSTITUTE = "commitment.check.approval_substitute", _("审批替代型承诺核查期限（工作日）")
    COMMITMENT_CHECK_CERTIFICATION_NOTICE = (
        "commitment.check.certification_notice",
        _("证明事项告知承诺核查期限（工作日）"),
    )
    COMMITMENT_CHECK_TOLERANCE_ACCEPTANCE = (
        "commitment.check.tolerance_acceptance",
        _("容缺受理型承诺核查期限（工作日）"),
    )
    COMMITMENT_CHECK_VOLUNTARY_PUBLIC = "commitment.check.voluntary_public", _("主动公示型承诺核查期限（工作日）")
    COMMITMENT_CHECK_INDUSTRY_SELF_DISCIPLINE = (
        "commitment.check.industry_self_discipline",
        _("行业自律型承诺核查期限（工作日）"),
    )
    COMMITMENT_CHECK_CREDIT_REPAIR = "commitment.check.credit_repair", _("信用修复型承诺核查期限（工作日）")
    SANCTIONS_REMOVAL = "sanctions.removal", _("核查部门解除惩戒措施时限（工作日）")
    # Monthly coverage targets, in percent of the row's denominator (DESIGN.md "Coverage targets").
    TARGET_REPAIR_COMMITMENT = "target.repair_commitment", _("目标：名单内在营主体签署信用修复承诺（%，不低于）")
    TARGET_REPAIR_TRAINING = "target.repair_training", _("目标：名单内在营主体参加信用修复培训（%，不低于）")
    TARGET_CREDIT_REPORT = "target.credit_report", _("目标：名单内在营主体提交信用报告（%，不低于）")
    TARGET_REMOVED_AFTER_REPAIR = "target.removed_after_repair", _("目标：经整改修复移出名单（%，不低于）")
    TARGET_LISTED_SHARE = "target.listed_share", _("目标：严重失信主体占在营市场主体比例（%，低于）")
    TARGET_DOUBLE_PUBLICITY = "target.double_publicity", _("目标：双公示按时公示（%，不低于）")
    TARGET_OBJECTION_ON_TIME = "target.objection_on_time", _("目标：异议按期办结（%，不低于）")
    TARGET_TWO_DOCUMENTS = "target.two_documents", _("目标：两书同达（%，不低于）")
    TARGET_VOLUNTARY_COMMITMENT = "target.voluntary_commitment", _("目标：在营市场主体作出主动型信用承诺（%，不低于）")
    TARGET_INDUSTRY_COMMITMENT = (
        "target.industry_commitment",
        _("目标：在营市场主体作出行业自律型信用承诺（%，不低于）"),
    )
    TARGET_APPROVAL_COMMITMENT = (
        "target.approval_commitment",
        _("目标：告知承诺制审批事项签署审批替代型承诺（%，不低于）"),
    )
    TARGET_TOLERANCE_COMMITMENT = "target.tolerance_commitment", _("目标：行政审批事项签署容缺受理型承诺（%，不低于）")


class Rule(models.Model):
    """One number in force between two dates, optionally only for a record kind, severity, sector or region."""

    code = models.CharField(_("规则"), max_length=64, choices=RuleCode.choices, db_index=True)
    value = models.IntegerField(_("取值"))
    record_kind = models.CharField(_("信息类别"), max_length=32, blank=True, help_text=_("空=所有类别"))
    severity = models.CharField(_("失信程度"), max_length=16, blank=True, help_text=_("空=所有程度"))
    sector = models.CharField(_("领域"), max_length=32, blank=True, help_text=_("空=所有领域"))
    region_code = models.CharField(_("地区"), max_length=6, blank=True, help_text=_("行政区划代码前缀；空=全国"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("含当日；空=长期有效"))
    source = models.CharField(_("依据"), max_length=300)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("规则")
        verbose_name_plural = _("规则")
        ordering = ["code", "effective_from"]
        indexes = [models.Index(fields=["code", "effective_from"], name="rules_code_from_idx")]

    def __str__(self) -> str:
        return f"{self.code}={self.value} [{self.effective_from}..{self.effective_to or ''}] {self.source}"

    def clean(self) -> None:
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期不能早于生效日期。")})
        if self.region_code and not self.region_code.isdigit():
            raise ValidationError({"region_code": _("地区应为行政区划代码（数字）。")})

    @property
    def specificity(self) -> tuple[int, int]:
        dims = sum(bool(x) for x in (self.record_kind, self.severity, self.sector))
        return dims, len(self.region_code)
