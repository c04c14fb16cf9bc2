"""Letters: a catalogue of versioned templates, the letters issued from them, and batches that render many.

Letters know no domain app: a letter points at what it belongs to with (owner_type, owner_id), the owner's
`app_label.modelname` and integer primary key, and at its recipient subject by unified social credit code.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.models import TimeStampedModel


class TemplateCode(models.TextChoices):
    REPAIR_NOTICE = "repair_notice", _("信用修复告知书")
    SUPPLEMENT_NOTICE = "supplement_notice", _("补正通知书")
    ACCEPTANCE_NOTICE = "acceptance_notice", _("受理通知书")
    REFUSAL_NOTICE = "refusal_notice", _("不予受理/不予修复决定书")
    REPAIR_DECISION = "repair_decision", _("信用修复决定书")
    OBJECTION_REPLY = "objection_reply", _("异议处理答复函")
    TRAINING_CERTIFICATE = "training_certificate", _("培训证明")
    CREDIT_REPORT = "credit_report", _("信用报告")
    MONTHLY_REPORT = "monthly_report", _("月度报告")
    PENALTY_DECISION = "penalty_decision", _("行政处罚（列入名单）决定书")
    COUNTER_RECEIPT = "counter_receipt", _("受理回执")
    SANCTION_CASE_REPORT = "sanction_case_report", _("联合奖惩案例月报")


class LetterTemplate(models.Model):
    """One version of a letter template. A letter keeps the version it was made with; new versions apply from
    their effective date, so a letter is always re-rendered exactly as it was issued."""

    code = models.CharField(_("文书类型"), max_length=32, choices=TemplateCode.choices)
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=100)
    body_path = models.CharField(
        _("模板文件"), max_length=200, blank=True, help_text=_("templates/ 下的路径，如 letters/repair_notice/v1.html")
    )
    body_text = models.TextField(_("模板正文"), blank=True, help_text=_("不用模板文件时，存储的 Django 模板文本"))
    effective_from = models.DateField(_("生效日期"))
    is_active = models.BooleanField(_("启用"), default=True)
    # Context keys the public verification page may show. Never personal details (names of people, phones, IDs).
    public_fields = models.JSONField(_("公开查验字段"), default=list, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="letters_template_code_version_unique"),
            models.CheckConstraint(
                condition=~models.Q(body_path="") | ~models.Q(body_text=""), name="letters_template_has_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class LetterBatch(TimeStampedModel):
    """Many letters rendered by one background job. Counts are recomputed from the letters, so a job that was
    killed and started again reports the truth."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待生成")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        DONE_WITH_ERRORS = "done_with_errors", _("已完成（部分失败）")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("文书类型"), max_length=32, choices=TemplateCode.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("部门")
    )
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已生成"), default=0)
    failed = models.PositiveIntegerField(_("失败"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )

    class Meta:
        verbose_name = _("文书批次")
        verbose_name_plural = _("文书批次")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * (self.done + self.failed) / self.total)


class Letter(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("待生成")
        RENDERED = "rendered", _("已生成")
        FAILED = "failed", _("生成失败")

    id = models.BigAutoField(primary_key=True)
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.PROTECT, related_name="letters", verbose_name=_("模板")
    )
    code = models.CharField(
        _("文书类型"), max_length=32, choices=TemplateCode.choices
    )  # = template.code, for the constraint
    template_version = models.PositiveSmallIntegerField(_("模板版本"))
    title = models.CharField(_("标题"), max_length=100)
    owner_type = models.CharField(_("所属对象类型"), max_length=64)
    owner_id = models.BigIntegerField(_("所属对象编号"))
    issue_no = models.PositiveSmallIntegerField(_("同类文书序号"), default=1)
    recipient_uscc = models.CharField(_("收件主体代码"), max_length=18, blank=True, db_index=True)
    recipient_name = models.CharField(_("收件主体名称"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="letters", verbose_name=_("出具部门")
    )
    context = models.JSONField(_("文书数据"), default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.TextField(_("失败原因"), blank=True)
    batch = models.ForeignKey(
        LetterBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="letters", verbose_name=_("批次")
    )
    # Relative to settings.PRIVATE_STORAGE_ROOT, which is outside the web root.
    file_path = models.CharField(_("文件"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("文件大小"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    verification_code = models.CharField(_("验证码"), max_length=16, unique=True)
    # 发文字号 (GB/T 9704-2012 7.2.4): 机关代字〔年份〕序号号, allocated per (department, year) by
    # DocumentNumberCounter in the letter's transaction. Empty for letters that are not numbered documents.
    doc_no = models.CharField(_("发文字号"), max_length=64, blank=True)
    doc_year = models.PositiveSmallIntegerField(_("发文年份"), null=True, blank=True)
    doc_seq = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    # The issuing-authority mark as it stood when the letter was created (a later change of letterhead does not
    # alter a document already issued).
    issuer_header = models.CharField(_("发文机关标志"), max_length=100, blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=32, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_receipt = models.CharField(_("送达回证"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "code", "issue_no"], name="letters_letter_owner_code_unique"
            ),
            models.UniqueConstraint(
                fields=["department", "doc_year", "doc_seq"],
                condition=models.Q(doc_seq__isnull=False),
                name="letters_letter_doc_no_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="letters_owner_idx"),
            models.Index(fields=["batch", "status"], name="letters_batch_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.verification_code}"


class Letterhead(models.Model):
    """How a department heads its documents (GB/T 9704-2012): the issuing-authority mark printed in red at the
    top (发文机关标志, the department's name unless set) and the authority abbreviation (机关代字) that starts
    its document numbers, such as 宜市监信修 in 宜市监信修〔2026〕12号."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, primary_key=True, related_name="letterhead", verbose_name=_("部门")
    )
    abbreviation = models.CharField(_("机关代字"), max_length=20, help_text=_("发文字号的机关代字，如“宜市监信修”"))
    header = models.CharField(
        _("发文机关标志"), max_length=100, blank=True, help_text=_("文书顶端红色的发文机关标志；留空则用部门名称")
    )

    class Meta:
        verbose_name = _("文书版头")
        verbose_name_plural = _("文书版头")

    def __str__(self) -> str:
        return f"{self.department} {self.abbreviation}"


class DocumentNumberCounter(models.Model):
    """The last document number a department used in a year. Numbers are taken under this row's lock in the
    transaction that creates the letter, so they have no gaps and never repeat."""

    id = models.BigAutoField(primary_key=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门"))
    year = models.PositiveSmallIntegerField(_("年份"))
    last_number = models.PositiveIntegerField(_("已用到的序号"), default=0)

    class Meta:
        verbose_name = _("发文字号计数")
        verbose_name_plural = _("发文字号计数")
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="letters_doc_counter_department_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year}: {self.last_number}"


class LetterBundle(models.Model):
    """One PDF made by joining issued documents (the 两书同达 bundle: a decision followed by its repair notice).

    Registered by its SHA-256 so that the bundle as received verifies at the code printed on any letter inside it.
    Like a letter it points at what it belongs to with (owner_type, owner_id). Never changed once registered: a
    rebuilt bundle is a new file and a new row, and the one delivered before still verifies."""

    id = models.BigAutoField(primary_key=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("文件大小"))
    page_count = models.PositiveSmallIntegerField(_("页数"))
    title = models.CharField(_("标题"), max_length=200)
    owner_type = models.CharField(_("所属对象类型"), max_length=64, blank=True)
    owner_id = models.BigIntegerField(_("所属对象编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )

    class Meta:
        verbose_name = _("合并文书")
        verbose_name_plural = _("合并文书")
        ordering = ["-id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="letters_bundle_owner_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.sha256[:12]})"


class LetterBundlePart(models.Model):
    """A document inside a bundle, in file order. `letter` is empty for a part that is not an issued letter (an
    uploaded signed original): it is named by its title only."""

    id = models.BigAutoField(primary_key=True)
    bundle = models.ForeignKey(LetterBundle, on_delete=models.CASCADE, related_name="parts", verbose_name=_("合并文书"))
    position = models.PositiveSmallIntegerField(_("顺序"))
    letter = models.ForeignKey(
        Letter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundle_parts",
        verbose_name=_("文书"),
    )
    title = models.CharField(_("标题"), max_length=200)

    class Meta:
        verbose_name = _("合并文书组成部分")
        verbose_name_plural = _("合并文书组成部分")
        ordering = ["bundle_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "position"], name="letters_bundle_part_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id}#{self.position} {self.title}"
