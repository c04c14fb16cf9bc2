"""Notifications: one row per person and event (the in-app inbox), and what each person wants beyond the inbox.

The unique key (recipient, event_key) makes an event reach a person once, however often the action, the sweep or a
redelivered task runs. E-mail and SMS go out after commit (apps.notifications.tasks); their sent stamps on the row
make a second delivery do nothing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", _("临期提醒")
    BREACH = "breach", _("超期督办")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("一次性告知补正")
    MATERIAL_REQUESTED = "material_requested", _("要求补充材料")
    DECISION_ISSUED = "decision_issued", _("作出决定")
    LIFT_REQUESTED = "lift_requested", _("通知解除惩戒")
    REASSIGNED = "reassigned", _("任务转办")
    TRAINING_INVITATION = "training_invitation", _("培训邀请")


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    event_key = models.CharField(_("事件标识"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=1000)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    case_type = models.CharField(_("案件类型"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("案件编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("发出时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True)
    delivery_error = models.CharField(_("最近一次发送错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_key"], name="notifications_once_per_person_event")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_inbox_idx"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notifications_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """What a person receives beyond the in-app inbox (which always gets every notification). Without a row: e-mail
    on, SMS off, no kind muted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("用户"),
    )
    email = models.BooleanField(_("邮件通知"), default=True)
    sms = models.BooleanField(_("短信通知"), default=False)
    muted_kinds = models.JSONField(
        _("不发邮件和短信的类型"), default=list, blank=True, help_text=_("这些类型只在站内消息中出现")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.user)
