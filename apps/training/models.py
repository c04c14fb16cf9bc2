"""Repair training (信用修复培训): sessions, the enrollment of subjects, attendance and its certificate."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.models import TimeStampedModel
from apps.letters.models import Letter
from apps.subjects.models import Subject


class TrainingSession(TimeStampedModel):
    class Mode(models.TextChoices):
        ONLINE = "online", _("线上")
        ON_SITE = "on_site", _("线下（现场）")

    id = models.BigAutoField(primary_key=True)
    topic = models.CharField(_("培训主题"), max_length=200)
    mode = models.CharField(_("培训方式"), max_length=16, choices=Mode.choices)
    place = models.CharField(_("培训地点"), max_length=300, blank=True)
    link = models.URLField(_("线上链接"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    region_code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("培训人")
    )
    # The issuing department of the certificates: its members read them (the trainer's department by default).
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("主办部门"),
    )
    # Shown at the session (read out or as a QR code); accepted only during the session window.
    checkin_code = models.CharField(_("签到码"), max_length=8)

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        ordering = ["starts_at", "id"]
        permissions = [
            ("manage_training", _("组织培训：场次、报名、签到")),
            ("view_training_coverage", _("查看培训覆盖率")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.topic

    def clean(self) -> None:
        errors = {}
        if self.mode == self.Mode.ONLINE and not self.link:
            errors["link"] = _("线上培训须填写线上链接。")
        if self.mode == self.Mode.ON_SITE and not self.place:
            errors["place"] = _("线下培训须填写培训地点。")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("结束时间须晚于开始时间。")
        if errors:
            raise ValidationError(errors)


class Enrollment(TimeStampedModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("已报名")
        WAITLISTED = "waitlisted", _("候补")
        CANCELLED = "cancelled", _("已取消")
        ATTENDED = "attended", _("已参加")

    ACTIVE = (Status.ENROLLED, Status.WAITLISTED, Status.ATTENDED)

    id = models.BigAutoField(primary_key=True)
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("培训场次")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="training_enrollments", verbose_name=_("主体")
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("报名人")
    )
    attendee_name = models.CharField(_("参训人员"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, db_index=True)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    certificate = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("培训证明")
    )

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        ordering = ["session_id", "created_at", "id"]
        constraints = [
            # A subject holds at most one live enrollment per session; a cancelled one may enrol again.
            models.UniqueConstraint(
                fields=["session", "subject"],
                condition=~Q(status="cancelled"),
                name="training_enrollment_one_live_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.subject}"


class Invitation(TimeStampedModel):
    """An invitation to a session sent to a subject: the text as sent, kept with the session; the subject's
    representatives receive it through the notification channels (inbox, and e-mail or SMS as each prefers)."""

    id = models.BigAutoField(primary_key=True)
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("培训场次")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="training_invitations", verbose_name=_("主体")
    )
    text = models.TextField(_("邀请内容"), max_length=1000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发送人")
    )
    sent_at = models.DateTimeField(_("发送时间"))
    recipients = models.PositiveIntegerField(_("收到邀请的代理人数"), default=0)

    class Meta:
        verbose_name = _("培训邀请")
        verbose_name_plural = _("培训邀请")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "subject"], name="training_invitation_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.subject}"


class CertificateEvidence(models.Model):
    """A training certificate used as evidence in a case (a repair application of the certificate's subject): the
    letter is referenced, not uploaded again. `case_type`/`case_id` name the case as in the audit chain."""

    id = models.BigAutoField(primary_key=True)
    case_type = models.CharField(_("案件类型"), max_length=64)
    case_id = models.BigIntegerField(_("案件编号"))
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="evidence_uses", verbose_name=_("培训报名")
    )
    certificate = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="+", verbose_name=_("培训证明"))
    attached_at = models.DateTimeField(_("附入时间"))

    class Meta:
        verbose_name = _("作为证明材料的培训证明")
        verbose_name_plural = _("作为证明材料的培训证明")
        ordering = ["attached_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "case_id", "certificate"], name="training_evidence_once_per_case"
            )
        ]
        indexes = [models.Index(fields=["case_type", "case_id"], name="training_evidence_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_type}:{self.case_id} · {self.certificate_id}"
