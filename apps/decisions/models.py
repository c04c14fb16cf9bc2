"""Penalty and listing decisions, and 两书同达: the credit-repair notice delivered together with each decision."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.models import TimeStampedModel
from apps.letters.models import Letter, LetterBatch
from apps.subjects.models import NegativeRecord, RecordKind, Severity, Subject


class DecisionKind(models.TextChoices):
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("行政处罚决定")
    SERIOUS_DISHONESTY_LISTING = "serious_dishonesty_listing", _("列入严重失信主体名单决定")


RECORD_KIND_OF_DECISION: dict[str, RecordKind] = {
    DecisionKind.ADMINISTRATIVE_PENALTY: RecordKind.ADMINISTRATIVE_PENALTY,
    DecisionKind.SERIOUS_DISHONESTY_LISTING: RecordKind.SERIOUS_DISHONESTY_LIST,
}


class DeliveryMethod(models.TextChoices):
    DIRECT = "direct", _("直接送达")
    MAIL = "mail", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    LEFT_AT_ADDRESS = "left_at_address", _("留置送达")
    ENTRUSTED = "entrusted", _("委托送达")
    ANNOUNCEMENT = "announcement", _("公告送达")


class DecisionImport(TimeStampedModel):
    """One import (a file or an API call): what came in, what was created, and each bad row with its reasons."""

    class Source(models.TextChoices):
        API = "api", _("接口")
        CSV = "csv", _("CSV 文件")
        XLSX = "xlsx", _("Excel 文件")

    id = models.BigAutoField(primary_key=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    duplicate_count = models.PositiveIntegerField(_("重复（已存在）"), default=0)
    error_count = models.PositiveIntegerField(_("错误行"), default=0)
    # [{"line", "field", "code", "message"}], one entry per bad field; [{"line", "decision"}] for duplicates.
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    duplicates = models.JSONField(_("重复明细"), default=list, blank=True)
    letter_batch = models.ForeignKey(
        LetterBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("告知书批次")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )

    class Meta:
        verbose_name = _("处罚决定导入")
        verbose_name_plural = _("处罚决定导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_source_display()} {self.filename}"


class PenaltyDecision(TimeStampedModel):
    """A 行政处罚决定 or 列入严重失信主体名单决定, the negative record made from it, and its delivery."""

    id = models.BigAutoField(primary_key=True)  # integer ids: letters and Viewflow point here
    kind = models.CharField(_("决定类别"), max_length=32, choices=DecisionKind.choices)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("当事人"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("作出决定的部门")
    )
    decision_no = models.CharField(_("决定文书号"), max_length=100)
    decision_date = models.DateField(_("决定日期"), db_index=True)
    severity = models.CharField(_("失信程度"), max_length=16, choices=Severity.choices)
    penalty_types = models.JSONField(_("处罚种类"), default=list, blank=True)
    facts = models.TextField(_("违法（失信）事实"), blank=True)
    legal_basis = models.CharField(_("依据"), max_length=500, blank=True)
    fine_amount = models.DecimalField(_("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    record = models.OneToOneField(
        NegativeRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("失信信息"),
    )
    # 两书同达 applies to legal persons and unincorporated organisations, not to individual businesses.
    notice_required = models.BooleanField(_("须同时送达信用修复告知书"), default=True)
    notice = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("信用修复告知书")
    )
    decision_letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("决定书（系统生成）")
    )
    # An uploaded PDF of the signed decision, preferred over the generated one in the bundle. Private storage.
    document_path = models.CharField(_("决定书原件"), max_length=300, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    bundle_path = models.CharField(_("两书合并文件"), max_length=300, blank=True)
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=32, choices=DeliveryMethod.choices, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True, db_index=True)
    delivery_receipt = models.CharField(_("送达回证"), max_length=200, blank=True)
    notice_delivered = models.BooleanField(_("告知书已同时送达"), null=True, blank=True)
    delivery_recorded_at = models.DateTimeField(_("送达登记时间"), null=True, blank=True)
    delivery_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    import_job = models.ForeignKey(
        DecisionImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("导入批次"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("处罚（列入名单）决定")
        verbose_name_plural = _("处罚（列入名单）决定")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "decision_no", "kind"], name="decisions_decision_unique")
        ]
        indexes = [
            models.Index(fields=["notice_required", "notice_delivered", "delivered_on"], name="decisions_notice_idx")
        ]
        permissions = [("import_any_department", _("为任意部门导入和登记处罚决定"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decision_no}"

    @property
    def record_kind(self) -> str:
        return RECORD_KIND_OF_DECISION[self.kind]
