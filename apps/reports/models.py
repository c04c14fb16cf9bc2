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
