"""The holiday calendar, its working-day index, and deadlines (a budget of working days plus a ledger of pauses)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class CalendarYear(models.Model):
    """The State Council's holiday arrangement (节假日安排) for one year, as entered and by whom."""

    # Not stored: calendar_year_confirm sets them on the year it returns (what the confirmation moved), and
    # `change` is a services.CalendarChange (models cannot import services).
    deadlines_recomputed: int
    change: Any

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认")
        PROVISIONAL = "provisional", _("暂定")

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROVISIONAL)
    notice = models.CharField(
        _("通知文号"),
        max_length=300,
        blank=True,
        help_text=_("公布该年安排的国务院办公厅通知，如 国办发明电〔2025〕7号"),
    )
    source = models.CharField(
        _("数据来源"), max_length=100, blank=True, help_text=_("如 chinese-calendar 1.11.0 或 administrator")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} ({self.get_status_display()})"


class CalendarDay(models.Model):
    """An exception to the weekend rule: a holiday on a weekday, or a make-up working day (调休上班) on a weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("节假日")
        MAKEUP_WORKDAY = "makeup_workday", _("调休上班日")

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年份"))
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"), default=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, help_text=_("节日名称，如 春节、国庆节"))

    class Meta:
        verbose_name = _("节假日调整日")
        verbose_name_plural = _("节假日调整日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="holiday", is_workday=False) | Q(kind="makeup_workday", is_workday=True),
                name="sla_calendarday_kind_matches_workday",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name} {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        self.is_workday = self.kind == self.Kind.MAKEUP_WORKDAY
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.date and self.year_id and self.date.year != self.year_id:
            errors["date"] = _("日期不在所选年份内。")
        if self.date and self.kind == self.Kind.HOLIDAY and self.date.weekday() >= 5:
            errors["kind"] = _("周末本来就不上班，无需登记为节假日。")
        if self.date and self.kind == self.Kind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            errors["kind"] = _("工作日本来就上班，无需登记为调休上班日。")
        if errors:
            raise ValidationError(errors)


class CalendarState(models.Model):
    """One row: the calendar's version. Every change bumps it; processes reload their cached index when it moves.
    Locked for update while the calendar changes, and share-locked by deadline writes, so they never interleave."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("工作日历版本")

    def __str__(self) -> str:
        return f"v{self.version}"


class WorkingDayIndex(models.Model):
    """The calendar as cumulative counts over 2004-2099, so recomputing a million deadlines is one UPDATE.

    ordinal: working days from 2004-01-01 through `day`; rank_before: working days strictly before `day`;
    workday_rank: `ordinal` on working days (the k-th working day has rank k), NULL otherwise; prov_*: the same
    counts for days in years without a confirmed arrangement.
    """

    day = models.DateField(primary_key=True)
    is_workday = models.BooleanField()
    ordinal = models.IntegerField()
    rank_before = models.IntegerField()
    workday_rank = models.IntegerField(null=True, unique=True)
    provisional = models.BooleanField()
    prov_ordinal = models.IntegerField()
    prov_before = models.IntegerField()

    class Meta:
        verbose_name = _("工作日索引")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} #{self.ordinal}"


class Deadline(TimeStampedModel):
    """A time limit of `working_days` working days from an event, attached to anything by (owner_type, owner_id).

    due_date = the (working_days + extended_working_days + paused_working_days)-th working day after received_on.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("计时中")
        PAUSED = "paused", _("已暂停")
        CLOSED = "closed", _("已结束")

    owner_type = models.CharField(
        _("所属对象类型"), max_length=64, help_text=_("如 repairs.repaircase（模型的 label_lower）")
    )
    owner_id = models.BigIntegerField(_("所属对象编号"))
    purpose = models.CharField(
        _("时限名称"), max_length=64, blank=True, help_text=_("同一对象有多个时限时用于区分，如 intake")
    )
    started_at = models.DateTimeField(_("起算事件时间"))
    counts_from = models.DateField(_("起算日"), help_text=_("事件所在日；办公时间结束后的事件为次日"))
    received_on = models.DateField(_("收到日"), help_text=_("起算日当天或之后的第一个工作日；当日不计入"))
    working_days = models.PositiveIntegerField(_("时限（工作日）"))
    extended_working_days = models.PositiveIntegerField(_("延长（工作日）"), default=0)
    paused_working_days = models.PositiveIntegerField(_("暂停（工作日）"), default=0)
    due_date = models.DateField(_("截止日"), db_index=True)
    provisional = models.BooleanField(_("暂定"), default=False, help_text=_("计算涉及节假日安排尚未确认的年份"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("按期办结"), null=True, blank=True)
    recomputed_in = models.PositiveIntegerField(
        _("重算版本"), null=True, blank=True, help_text=_("最近一次因节假日安排变化而改变本行的工作日历版本")
    )

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="sla_deadline_owner_idx"),
            models.Index(fields=["status", "due_date"], name="sla_deadline_status_due_idx"),
            models.Index(fields=["recomputed_in"], name="sla_deadline_recomputed_idx"),
            # The SLA board (apps.casework.selectors) reads only these three partial indexes: their size follows the
            # running work and the closings of a month range, not the years of closed deadlines. The owner columns
            # ride along (INCLUDE, PostgreSQL) so a board count is an index-only scan.
            models.Index(
                fields=["due_date"],
                include=["owner_type", "owner_id"],
                condition=models.Q(status__in=["open", "paused"]),
                name="sla_deadline_running_idx",
            ),
            models.Index(
                fields=["closed_at"],
                include=["owner_type", "owner_id", "closed_on_time"],
                condition=models.Q(status="closed"),
                # The closed-in-a-month figures: a range of closed_at (replaces sla_deadline_status_closed_idx).
                name="sla_deadline_closed_at_idx",
            ),
            # Closed since a moment (the board's check that a month's precomputed figures still hold).
            models.Index(
                fields=["updated_at"],
                include=["closed_at"],
                condition=models.Q(status="closed"),
                name="sla_deadline_closed_upd_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_type}:{self.owner_id} {self.purpose} → {self.due_date}"

    @property
    def budget(self) -> int:
        return self.working_days + self.extended_working_days + self.paused_working_days


class DeadlinePause(models.Model):
    """One stop of the clock. The working days d with started_on < d <= ended_on are not counted."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("时限"))
    started_at = models.DateTimeField(_("暂停时间"))
    started_on = models.DateField(_("暂停日"))
    ended_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    ended_on = models.DateField(_("恢复日"), null=True, blank=True, help_text=_("恢复事件的收到日"))
    reason = models.TextField(_("暂停原因"))
    working_days = models.PositiveIntegerField(_("不计入的工作日"), null=True, blank=True)

    class Meta:
        verbose_name = _("时限暂停")
        verbose_name_plural = _("时限暂停")
        ordering = ["deadline", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(ended_at__isnull=True), name="sla_one_open_pause_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.started_on} – {self.ended_on or '…'} {self.reason[:30]}"
