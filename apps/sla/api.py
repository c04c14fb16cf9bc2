"""The calendar and deadlines over HTTP: thin views over apps.sla.workdays, selectors and services."""

import re
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ApplicationError
from apps.sla.outputs import CalendarChangeOutput, CalendarYearConfirmedOutput, CalendarYearOutput, DeadlineOutput
from apps.sla.selectors import access_deadline_by_id, calendar_days, calendar_year_detail, deadline_explain
from apps.sla.services import calendar_day_remove, calendar_day_set, calendar_year_confirm
from apps.sla.workdays import (
    BUSINESS_TZ,
    FIRST_DAY,
    FIRST_YEAR,
    LAST_DAY,
    LAST_YEAR,
    MAX_WORKING_DAYS,
    explain_deadline,
)

MAX_DAYS_LISTED = 731
_OFFSET_AS_SPACE = re.compile(r"^(.+T[\d:.]+) (\d\d:?\d\d)$")  # an unescaped "+" in a query string arrives as " "


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise serializers.ValidationError(
            _("日期超出工作日历支持的范围（%(first)s 至 %(last)s）。") % {"first": FIRST_DAY, "last": LAST_DAY}
        )
    return day


class StartField(serializers.Field):
    """YYYY-MM-DD (an event during office hours that day) or an ISO 8601 datetime; without an offset the time is
    Asia/Shanghai."""

    default_error_messages = {
        "invalid": gettext_lazy("应为日期（YYYY-MM-DD）或带时区的时间（如 2026-09-30T18:30:00+08:00）。"),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 64:
            self.fail("invalid")
        text = _OFFSET_AS_SPACE.sub(r"\1+\2", data.strip())
        try:
            if len(text) == 10:
                return _in_range(date.fromisoformat(text))
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail("invalid")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BUSINESS_TZ)
        _in_range(moment.astimezone(BUSINESS_TZ).date())
        return moment

    def to_representation(self, value):
        return value.isoformat()


class RangeDateField(serializers.DateField):
    def to_internal_value(self, value):
        return _in_range(super().to_internal_value(value))


class SkippedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField()


class DeadlineExplanationSerializer(serializers.Serializer):
    start = serializers.CharField()
    received_on = serializers.DateField()
    working_days = serializers.IntegerField()
    due_date = serializers.DateField()
    provisional = serializers.BooleanField()
    provisional_years = serializers.ListField(child=serializers.IntegerField())
    skipped = SkippedDaySerializer(many=True)
    makeup_workdays = SkippedDaySerializer(many=True)
    explanation = serializers.CharField()


class CalendarDeadlineApi(APIView):
    """The due date of N working days from a start, with the days skipped and why (工作日期限计算)."""

    class InputSerializer(serializers.Serializer):
        start = StartField()
        working_days = serializers.IntegerField(min_value=0, max_value=MAX_WORKING_DAYS)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "start", str, required=True, description="YYYY-MM-DD or ISO datetime, e.g. 2026-09-30T18:30:00+08:00"
            ),
            OpenApiParameter("working_days", int, required=True, description=f"0..{MAX_WORKING_DAYS}"),
        ],
        responses=DeadlineExplanationSerializer,
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        explanation = explain_deadline(data.validated_data["start"], data.validated_data["working_days"])
        return Response(DeadlineExplanationSerializer(explanation).data)


class CalendarDayOutput(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    kind = serializers.CharField()
    reason = serializers.CharField()
    provisional = serializers.BooleanField()

    class Meta:
        ref_name = "CalendarDay"


class CalendarDaysApi(APIView):
    """Every day of a range (at most two years) with whether it is a working day and why not."""

    InputSerializer = type(
        "CalendarDaysInputSerializer",
        (serializers.Serializer,),
        {"from": RangeDateField(), "to": RangeDateField()},
    )

    @extend_schema(
        parameters=[OpenApiParameter("from", date, required=True), OpenApiParameter("to", date, required=True)],
        responses=CalendarDayOutput(many=True),
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        start, end = data.validated_data["from"], data.validated_data["to"]
        if end < start or (end - start).days >= MAX_DAYS_LISTED:
            message = _("to 应不早于 from，且相差不超过 %(n)s 天。") % {"n": MAX_DAYS_LISTED}
            raise ApplicationError("invalid", message, fields={"to": [message]})
        return Response(CalendarDayOutput(calendar_days(start=start, end=end), many=True).data)


class CalendarYearApi(APIView):
    """A year's holiday arrangement. GET: any signed-in user. POST: enter the whole arrangement and mark it
    confirmed (needs sla.change_calendaryear); a year that already has stored days is replaced only with
    `"replace": true` (enter single days with PUT /calendar/days/{date}). Open deadlines touching the year are
    recomputed at once; `deadlines_moved` says how many. `"dry_run": true` answers the same without saving."""

    class InputSerializer(serializers.Serializer):
        class DaySerializer(serializers.Serializer):
            date = serializers.DateField()
            is_workday = serializers.BooleanField(help_text="false: holiday; true: make-up working day (调休上班)")
            name = serializers.CharField(max_length=100)

            class Meta:
                ref_name = "CalendarYearDayInput"

        class Meta:
            ref_name = "CalendarYearInput"

        notice = serializers.CharField(max_length=300, help_text="e.g. 国办发明电〔2025〕7号")
        days = DaySerializer(many=True, allow_empty=True)
        replace = serializers.BooleanField(
            default=False, help_text="true: replace the days already stored for the year (all of them)"
        )
        dry_run = serializers.BooleanField(default=False, help_text="true: answer what saving would do, save nothing")

    @staticmethod
    def _check_year(year: int) -> None:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            message = _("年份应在 %(first)s 至 %(last)s 之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            raise ApplicationError("invalid", message, fields={"year": [message]})

    @extend_schema(responses=CalendarYearOutput)
    def get(self, request, year: int):
        self._check_year(year)
        return Response(CalendarYearOutput(calendar_year_detail(year=year)).data)

    @extend_schema(request=InputSerializer, responses=CalendarYearConfirmedOutput)
    def post(self, request, year: int):
        if not request.user.has_perm("sla.change_calendaryear"):
            raise exceptions.PermissionDenied(_("只有系统管理员可以维护节假日安排。"))
        self._check_year(year)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        confirmed = calendar_year_confirm(
            year=year,
            days=[(d["date"], d["is_workday"], d["name"]) for d in data.validated_data["days"]],
            notice=data.validated_data["notice"],
            acting_user=request.user,
            replace=data.validated_data["replace"],
            dry_run=data.validated_data["dry_run"],
        )
        body = {
            **calendar_year_detail(year=year),
            "deadlines_recomputed": confirmed.deadlines_recomputed,
            "deadlines_moved": confirmed.deadlines_recomputed,
            "dry_run": data.validated_data["dry_run"],
        }
        return Response(CalendarYearConfirmedOutput(body).data)


def _change_body(change) -> dict:
    return {
        "year": change.year,
        "date": change.day,
        "action": change.action,
        "deadlines_moved": change.deadlines_moved,
        "dry_run": change.dry_run,
        "days_in_year": change.days_in_year,
        "estimate_kept": change.estimate_kept,
    }


def _path_date(value: str) -> date:
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        message = _("应为日期（YYYY-MM-DD）。")
        raise ApplicationError("invalid", f"date: {message}", fields={"date": [message]})
    return day


class CalendarDayApi(APIView):
    """One day of a year's arrangement, the rest of the year untouched. PUT: enter or change it (a holiday on a
    weekday, or a make-up working day 调休上班 on a Saturday or Sunday; needs sla.change_calendarday). DELETE:
    remove it (needs sla.delete_calendarday). Both answer how many open deadlines moved; `dry_run` (body of PUT,
    query of DELETE) answers the same without saving. In a year nobody entered yet, the statutory estimate is
    stored with the first day so that none of it is lost (`estimate_kept`)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CalendarDayInput"

        is_workday = serializers.BooleanField(help_text="false: holiday; true: make-up working day (调休上班)")
        name = serializers.CharField(max_length=100, help_text="e.g. 春节")
        dry_run = serializers.BooleanField(default=False, help_text="true: answer what saving would do, save nothing")

    class RemoveInputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CalendarDayRemoveInput"

        dry_run = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses=CalendarChangeOutput)
    def put(self, request, day: str):
        if not request.user.has_perm("sla.change_calendarday"):
            raise exceptions.PermissionDenied(_("只有系统管理员可以维护节假日安排。"))
        parsed = _path_date(day)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = calendar_day_set(
            day=parsed,
            is_workday=data.validated_data["is_workday"],
            name=data.validated_data["name"],
            acting_user=request.user,
            dry_run=data.validated_data["dry_run"],
        )
        return Response(CalendarChangeOutput(_change_body(change)).data)

    @extend_schema(
        parameters=[OpenApiParameter("dry_run", bool, required=False)], request=None, responses=CalendarChangeOutput
    )
    def delete(self, request, day: str):
        if not request.user.has_perm("sla.delete_calendarday"):
            raise exceptions.PermissionDenied(_("只有系统管理员可以维护节假日安排。"))
        parsed = _path_date(day)
        data = self.RemoveInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        change = calendar_day_remove(day=parsed, acting_user=request.user, dry_run=data.validated_data["dry_run"])
        return Response(CalendarChangeOutput(_change_body(change)).data)


class DeadlineDetailApi(APIView):
    """One deadline explained: dates, days skipped, make-up days counted, the ledger of pauses."""

    @extend_schema(responses=DeadlineOutput)
    def get(self, request, deadline_id: int):
        deadline = access_deadline_by_id(user=request.user, deadline_id=deadline_id)
        return Response(DeadlineOutput(deadline_explain(deadline)).data)
