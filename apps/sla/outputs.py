"""Output serializers of deadlines and the calendar, shared by the sla API and the case reads that show a clock."""

from rest_framework import serializers


class DayReasonOutput(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField()


class PauseOutput(serializers.Serializer):
    started_at = serializers.DateTimeField()
    started_on = serializers.DateField()
    ended_at = serializers.DateTimeField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    working_days = serializers.IntegerField(allow_null=True)


class ClockOutput(serializers.Serializer):
    """A deadline explained (apps.sla.selectors.deadline_explain) as a case's party reads it."""

    purpose = serializers.CharField()
    status = serializers.CharField()
    running = serializers.BooleanField()
    start = serializers.CharField()
    received_on = serializers.DateField()
    working_days = serializers.IntegerField()
    extended_working_days = serializers.IntegerField()
    paused_working_days = serializers.IntegerField()
    due_date = serializers.DateField()
    provisional = serializers.BooleanField()
    provisional_years = serializers.ListField(child=serializers.IntegerField())
    skipped = DayReasonOutput(many=True)
    makeup_workdays = DayReasonOutput(many=True)
    pauses = PauseOutput(many=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_on_time = serializers.BooleanField(allow_null=True)
    explanation = serializers.CharField()


class DeadlineOutput(ClockOutput):
    """The same with what it belongs to (GET /api/v1/deadlines/{id}, staff and monitors)."""

    id = serializers.IntegerField()
    owner_type = serializers.CharField()
    owner_id = serializers.IntegerField()


class CalendarYearDayOutput(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    kind = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField()


class CalendarYearOutput(serializers.Serializer):
    year = serializers.IntegerField()
    status = serializers.CharField()
    notice = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    entered_by = serializers.CharField(allow_null=True)
    entered_at = serializers.DateTimeField(allow_null=True)
    estimated = serializers.BooleanField()
    working_days = serializers.IntegerField()
    days = CalendarYearDayOutput(many=True)


class CalendarYearConfirmedOutput(CalendarYearOutput):
    deadlines_recomputed = serializers.IntegerField(help_text="the same as deadlines_moved (kept for old clients)")
    deadlines_moved = serializers.IntegerField(help_text="open or paused deadlines whose dates changed")
    dry_run = serializers.BooleanField(help_text="true: nothing was saved; the figures say what saving would do")


class CalendarChangeOutput(serializers.Serializer):
    """The answer to entering or removing one day (or marking a year): what changed and how many deadlines moved."""

    year = serializers.IntegerField()
    date = serializers.DateField(allow_null=True)
    action = serializers.ChoiceField(choices=["day_added", "day_changed", "day_removed", "year_marked"])
    deadlines_moved = serializers.IntegerField(help_text="open or paused deadlines whose dates changed")
    dry_run = serializers.BooleanField(help_text="true: nothing was saved; the figures say what saving would do")
    days_in_year = serializers.IntegerField(help_text="holidays and make-up working days stored for the year after")
    estimate_kept = serializers.IntegerField(
        help_text="estimated statutory holidays stored with the first day entered for a year, so none is lost"
    )
