"""Credit subjects (keyed by their unified social credit code) and their negative records."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.models import TimeStampedModel
from apps.subjects.uscc import is_legal_person_or_organisation, validate_uscc


def validate_uscc_field(value: str) -> None:
    result = validate_uscc(value)
    if not result.valid:
        raise ValidationError(result.errors[0].message, code=result.errors[0].code)


class Subject(TimeStampedModel):
    class Type(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业法人")
        BRANCH = "branch", _("分支机构")
        INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
        COOPERATIVE = "cooperative", _("农民专业合作社")
        SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        OTHER = "other", _("其他组织")

    class OperatingStatus(models.TextChoices):
        OPERATING = "operating", _("存续（在营）")
        SUSPENDED = "suspended", _("停业")
        REVOKED = "revoked", _("吊销")
        DEREGISTERED = "deregistered", _("注销")

    id = models.BigAutoField(primary_key=True)  # integer ids: Viewflow artifacts point here
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc_field])
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    type = models.CharField(_("主体类型"), max_length=32, choices=Type.choices, default=Type.ENTERPRISE)
    region_code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    operating_status = models.CharField(
        _("经营状态"), max_length=16, choices=OperatingStatus.choices, default=OperatingStatus.OPERATING, db_index=True
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SubjectRepresentative", related_name="represented_subjects", blank=True
    )

    class Meta:
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")
        ordering = ["uscc"]
        permissions = [
            ("act_for_subject", _("代表该主体提交申请")),
            ("file_on_behalf", _("窗口代为提交申请")),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    @property
    def is_legal_person_or_organisation(self) -> bool:
        return is_legal_person_or_organisation(self.uscc, subject_type=self.type)


class SubjectRepresentative(models.Model):
    """An applicant account allowed to act for a subject (its staff or agent)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    capacity = models.CharField(_("身份"), max_length=50, default="经办人")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("主体经办人")
        constraints = [models.UniqueConstraint(fields=["subject", "user"], name="subjects_rep_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.subject}"


class RecordKind(models.TextChoices):
    SERIOUS_DISHONESTY_LIST = "serious_dishonesty_list", _("严重失信主体名单")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("行政处罚信息")
    ABNORMAL_OPERATION = "abnormal_operation", _("经营异常名录")
    OTHER = "other", _("其他失信信息")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class ObjectionOutcome(models.TextChoices):
    """What a verified objection does to the record (apps.subjects.services.record_apply_objection_outcome)."""

    CORRECTED = "corrected", _("更正")
    DELETED = "deleted", _("删除")
    KEPT = "kept", _("维持")
    UNCONFIRMED = "unconfirmed", _("无法确认")


class NegativeRecord(TimeStampedModel):
    """A negative credit record as published on the credit portals, with its publication window and statuses."""

    class PublicationStatus(models.TextChoices):
        NOT_PUBLISHED = "not_published", _("不予公示")
        PUBLISHED = "published", _("公示中")
        ENDED_REPAIRED = "ended_repaired", _("已修复，停止公示")
        ENDED_EXPIRED = "ended_expired", _("公示期满，停止公示")
        DELETED = "deleted", _("已删除")

    class SharingStatus(models.TextChoices):
        SHARING = "sharing", _("共享中")
        STOPPED = "stopped", _("已停止共享")

    class ObjectionStatus(models.TextChoices):
        NONE = "none", _("无异议")
        UNDER_OBJECTION = "under_objection", _("异议处理中")
        UNCONFIRMED = "unconfirmed", _("异议无法确认")

    class RepairStatus(models.TextChoices):
        NONE = "none", _("未修复")
        REPAIRING = "repairing", _("修复中")
        REPAIRED = "repaired", _("已修复")
        REVOKED = "revoked", _("修复已撤销")

    id = models.BigAutoField(primary_key=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="records", verbose_name=_("主体"))
    kind = models.CharField(_("信息类别"), max_length=32, choices=RecordKind.choices)
    severity = models.CharField(_("失信程度"), max_length=16, choices=Severity.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="records", verbose_name=_("认定部门")
    )
    decision_no = models.CharField(_("决定文书号"), max_length=100)
    decision_date = models.DateField(_("决定日期"))
    penalty_types = models.JSONField(_("处罚种类"), default=list, blank=True)
    facts = models.TextField(_("失信事实"), blank=True)
    legal_basis = models.CharField(_("依据"), max_length=500, blank=True)
    fine_amount = models.DecimalField(_("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The publication window, computed from the rule rows in force on the decision date.
    publish_from = models.DateField(_("公示起始日"), null=True, blank=True)
    repair_earliest = models.DateField(_("最早可申请修复日"), null=True, blank=True, db_index=True)
    publish_until = models.DateField(_("公示截止日"), null=True, blank=True, db_index=True)
    period_rule_source = models.CharField(_("公示期依据"), max_length=300, blank=True)
    publication_status = models.CharField(
        _("公示状态"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
        db_index=True,
    )
    sharing_status = models.CharField(
        _("共享状态"), max_length=16, choices=SharingStatus.choices, default=SharingStatus.SHARING
    )
    objection_status = models.CharField(
        _("异议状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.NONE, db_index=True
    )
    objection_finding = models.TextField(_("异议核查结论"), blank=True)
    repair_status = models.CharField(
        _("修复状态"), max_length=16, choices=RepairStatus.choices, default=RepairStatus.NONE, db_index=True
    )
    ended_at = models.DateTimeField(_("停止公示时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("失信信息")
        verbose_name_plural = _("失信信息")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "decision_no", "kind"], name="subjects_record_decision_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "publication_status"], name="subjects_rec_kind_pub_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decision_no}"

    @property
    def is_public(self) -> bool:
        return self.publication_status == self.PublicationStatus.PUBLISHED

    @property
    def on_serious_list(self) -> bool:
        return self.kind == RecordKind.SERIOUS_DISHONESTY_LIST and self.is_public


class Sanction(TimeStampedModel):
    """A joint-punishment measure a department imposed because of a record; repair is done only when all are lifted."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("实施中")
        LIFTED = "lifted", _("已解除")

    id = models.BigAutoField(primary_key=True)
    record = models.ForeignKey(NegativeRecord, on_delete=models.CASCADE, related_name="sanctions")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="sanctions", verbose_name=_("实施部门")
    )
    measure = models.CharField(_("惩戒措施"), max_length=300)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    imposed_on = models.DateField(_("实施日期"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("惩戒措施")
        verbose_name_plural = _("惩戒措施")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.department}: {self.measure}"
