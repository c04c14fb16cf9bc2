from django.urls import path

from apps.sla import api

urlpatterns = [
    path("calendar/deadline", api.CalendarDeadlineApi.as_view(), name="api-calendar-deadline"),
    path("calendar/days", api.CalendarDaysApi.as_view(), name="api-calendar-days"),
    path("calendar/days/<str:day>", api.CalendarDayApi.as_view(), name="api-calendar-day"),
    path("calendar/years/<int:year>", api.CalendarYearApi.as_view(), name="api-calendar-year"),
    path("deadlines/<int:deadline_id>", api.DeadlineDetailApi.as_view(), name="api-deadline"),
]
