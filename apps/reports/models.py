"""Credit reports (信用报告) requested for a subject; the report itself is a letter (template credit_report)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.letters.models import Letter
from apps.subjects.models import Subject


class CreditReportRequest(models.Model):
    id = models.BigAutoField(primary_key=True)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="credit_report_requests", verbose_name=_("主体")
    )
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("信用报告")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用报告申请")
        verbose_name_plural = _("信用报告申请")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.subject.uscc} #{self.pk}"

    @property
    def report_no(self) -> str:
        return f"XYBG-{self.created_at:%Y}-{self.pk:06d}"


class MonthlyReport(models.Model):
    """A published monthly coverage report: the figures as they stood when it was issued, and its letter (PDF).

    A month has one report office-wide (department empty) and at most one per department; issuing again
    (`issue_no` + 1) snapshots the figures afresh, for instance after late deliveries were recorded, and keeps the
    earlier issue."""

    id = models.BigAutoField(primary_key=True)
    month = models.DateField(_("统计月份"), help_text=_("该月第一天"))
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("部门"),
        help_text=_("空=全市（信用办）"),
    )
    issue_no = models.PositiveSmallIntegerField(_("期次"), default=1)
    figures = models.JSONField(_("统计数据"))
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("月报文书")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成人"),
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月度报告")
        verbose_name_plural = _("月度报告")
        ordering = ["-month", "department_id", "-issue_no"]
        permissions = [
            ("view_monthly_stats", _("查看全部部门的月度统计")),
            ("issue_monthly_report", _("生成月度报告")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "issue_no"],
                condition=models.Q(department__isnull=True),
                name="reports_monthly_office_issue_unique",
            ),
            models.UniqueConstraint(
                fields=["month", "department", "issue_no"],
                condition=models.Q(department__isnull=False),
                name="reports_monthly_department_issue_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.issue_no}"
