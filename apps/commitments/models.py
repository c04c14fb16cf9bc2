"""Credit commitments (信用承诺): the catalogue of commitment texts and the commitments subjects sign.

A commitment belongs to a case or an approval through (owner_type, owner_id) — the owner's label_lower and integer
primary key — so any case app can use it. Its fulfilment (履约践诺) is checked afterwards; a violated commitment
becomes a new negative record.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.models import TimeStampedModel
from apps.sanctions.models import MatterType
from apps.subjects.models import NegativeRecord, Severity, Subject


class CommitmentType(models.TextChoices):
    APPROVAL_SUBSTITUTE = "approval_substitute", _("审批替代型")
    TOLERANCE_ACCEPTANCE = "tolerance_acceptance", _("容缺受理型")
    VOLUNTARY_PUBLIC = "voluntary_public", _("主动承诺/公示型")
    INDUSTRY_SELF_DISCIPLINE = "industry_self_discipline", _("行业自律型")
    CREDIT_REPAIR = "credit_repair", _("信用修复型")
    CERTIFICATION_NOTICE = "certification_notice", _("证明事项告知承诺")
    OBJECTION_APPEAL = "objection_appeal", _("异议申诉型")


# The six kinds of commitment a subject makes to an administration or the public (issue 14); the appeal commitment
# of an objection is a party's statement inside a private procedure and is not one of them.
SIX_TYPES = [
    CommitmentType.APPROVAL_SUBSTITUTE,
    CommitmentType.CERTIFICATION_NOTICE,
    CommitmentType.TOLERANCE_ACCEPTANCE,
    CommitmentType.VOLUNTARY_PUBLIC,
    CommitmentType.INDUSTRY_SELF_DISCIPLINE,
    CommitmentType.CREDIT_REPAIR,
]


class CommitmentMatter(models.TextChoices):
    """Matters a commitment is made against that are not procedures a department checks credit in (those are
    apps.sanctions' MatterType, used as they are)."""

    CREDIT_REPAIR = "credit_repair", _("信用修复申请")
    OBJECTION = "objection", _("异议申诉")
    INDUSTRY_ASSOCIATION = "industry_association", _("行业协会自律公约")
    PUBLIC_PLEDGE = "public_pledge", _("向社会公开承诺")


MATTER_TYPE_CHOICES = [*MatterType.choices, *CommitmentMatter.choices]

# Which matters each kind of commitment is made against; anything else is refused (a 400 naming matter_type).
MATTERS_BY_TYPE: dict[str, list[str]] = {
    CommitmentType.APPROVAL_SUBSTITUTE: [
        MatterType.COMMITMENT_APPROVAL,
        MatterType.ADMINISTRATIVE_APPROVAL,
        MatterType.QUALIFICATION,
    ],
    CommitmentType.CERTIFICATION_NOTICE: [MatterType.CERTIFICATION],
    CommitmentType.TOLERANCE_ACCEPTANCE: [
        MatterType.ADMINISTRATIVE_APPROVAL,
        MatterType.COMMITMENT_APPROVAL,
        MatterType.QUALIFICATION,
    ],
    CommitmentType.VOLUNTARY_PUBLIC: [CommitmentMatter.PUBLIC_PLEDGE, *MatterType.values],
    CommitmentType.INDUSTRY_SELF_DISCIPLINE: [CommitmentMatter.INDUSTRY_ASSOCIATION],
    CommitmentType.CREDIT_REPAIR: [CommitmentMatter.CREDIT_REPAIR],
    CommitmentType.OBJECTION_APPEAL: [CommitmentMatter.OBJECTION],
}


class CommitmentDomain(models.TextChoices):
    """GB/T 46277-2025: classification by domain (the four fields of integrity)."""

    GOVERNMENT = "government", _("政务诚信")
    BUSINESS = "business", _("商务诚信")
    SOCIAL = "social", _("社会诚信")
    JUDICIAL = "judicial", _("司法公信")


class CommitmentScenario(models.TextChoices):
    """GB/T 46277-2025: classification by scenario (where in administration the commitment is made)."""

    ADMINISTRATIVE_APPROVAL = "administrative_approval", _("行政审批（事前）")
    CERTIFICATION = "certification", _("证明事项（事前）")
    MARKET_ACCESS = "market_access", _("市场准入与资质（事前）")
    SUPERVISION = "supervision", _("日常监管（事中）")
    INDUSTRY = "industry", _("行业自律（事中）")
    CREDIT_REPAIR = "credit_repair", _("信用修复（事后）")
    OBJECTION = "objection", _("异议申诉（事后）")


class CommitmentTextVersion(models.Model):
    """One version of a commitment text (承诺书文本). A commitment keeps the version it was signed on."""

    code = models.CharField(_("文本编号"), max_length=32, unique=True)
    type = models.CharField(_("承诺类型"), max_length=32, choices=CommitmentType.choices)
    domain = models.CharField(_("领域分类"), max_length=32, choices=CommitmentDomain.choices)
    scenario = models.CharField(_("场景分类"), max_length=32, choices=CommitmentScenario.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("承诺内容"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("含当日；空=长期有效"))
    source = models.CharField(_("依据"), max_length=300)
    # What breaking it means: the negative record a violation becomes.
    violation_severity = models.CharField(
        _("违诺失信程度"), max_length=16, choices=Severity.choices, default=Severity.GENERAL
    )
    violation_legal_basis = models.CharField(_("违诺认定依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("承诺书文本")
        verbose_name_plural = _("承诺书文本")
        ordering = ["type", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    def clean(self) -> None:
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期不能早于生效日期。")})


class Commitment(TimeStampedModel):
    class Fulfilment(models.TextChoices):
        PENDING = "pending", _("待核查")
        FULFILLED = "fulfilled", _("已履约")
        VIOLATED = "violated", _("违反承诺")

    class Channel(models.TextChoices):
        CASE = "case", _("案件中签署")
        STAFF = "staff", _("工作人员录入")
        PORTAL = "portal", _("主体在线签署")

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(_("承诺类型"), max_length=32, choices=CommitmentType.choices, db_index=True)
    domain = models.CharField(_("领域分类"), max_length=32, choices=CommitmentDomain.choices)
    scenario = models.CharField(_("场景分类"), max_length=32, choices=CommitmentScenario.choices)
    text_version = models.ForeignKey(
        CommitmentTextVersion, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("文本版本")
    )
    text_sha256 = models.CharField(_("签署文本 SHA-256"), max_length=64)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("承诺主体")
    )
    signer_name = models.CharField(_("签署人"), max_length=100)
    signer_capacity = models.CharField(_("签署人身份"), max_length=50, default="法定代表人")
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签署账号"),
    )
    signed_at = models.DateTimeField(_("签署时间"))
    matter_type = models.CharField(_("承诺事项类型"), max_length=32, choices=MATTER_TYPE_CHOICES, blank=True)
    matter_reference = models.CharField(_("事项编号"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("受理部门"),
        help_text=_("承诺向其作出、负责核查履约的部门"),
    )
    channel = models.CharField(_("签署方式"), max_length=16, choices=Channel.choices, default=Channel.CASE)
    owner_type = models.CharField(_("所属对象类型"), max_length=64, blank=True)
    owner_id = models.BigIntegerField(_("所属对象编号"), null=True, blank=True)
    fulfilment_status = models.CharField(
        _("履约状态"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.PENDING, db_index=True
    )
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核查人"),
    )
    checking_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("核查部门")
    )
    check_finding = models.TextField(_("核查结论"), blank=True)
    violation_record = models.OneToOneField(
        NegativeRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="broken_commitment",
        verbose_name=_("违诺失信信息"),
    )

    class Meta:
        verbose_name = _("信用承诺")
        verbose_name_plural = _("信用承诺")
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="commitments_owner_idx")]
        permissions = [("check_commitment", _("核查承诺履约情况"))]

    def __str__(self) -> str:
        return f"{self.get_type_display()} #{self.pk} {self.subject_id}"

    def clean(self) -> None:
        if self.matter_type and self.matter_type not in MATTERS_BY_TYPE.get(self.type, []):
            raise ValidationError({"matter_type": _("该类承诺不能针对此类事项作出。")})


class FulfilmentCheck(TimeStampedModel):
    """A scheduled check whether a commitment was kept (履约践诺核查): due a number of working days after signing
    by its type's rule row, and its outcome once recorded."""

    class Status(models.TextChoices):
        DUE = "due", _("待核查")
        FULFILLED = "fulfilled", _("已履约")
        BROKEN = "broken", _("违反承诺")

    id = models.BigAutoField(primary_key=True)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="fulfilment_checks", verbose_name=_("信用承诺")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("核查部门")
    )
    due_date = models.DateField(_("核查期限"), db_index=True)
    rule_source = models.CharField(_("期限依据"), max_length=300, blank=True)
    status = models.CharField(_("核查结果"), max_length=16, choices=Status.choices, default=Status.DUE, db_index=True)
    note = models.TextField(_("核查说明"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核查人"),
    )

    class Meta:
        verbose_name = _("履约践诺核查")
        verbose_name_plural = _("履约践诺核查")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment"], condition=models.Q(status="due"), name="commitments_one_open_check"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.due_date} {self.status}"
