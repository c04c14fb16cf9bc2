"""Seed the holiday calendar 2004-2026 from the chinese-calendar package and build the working-day index.

Only exceptions to the weekend rule are stored: weekday holidays and weekend make-up working days.
"""

from datetime import date, timedelta

from django.db import migrations
from django.utils import timezone

SEED_FIRST_YEAR, SEED_LAST_YEAR = 2004, 2026
# Notices known for certain; the other seeded years carry the notice's title only.
KNOWN_NOTICES = {2026: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"}


def _name(english):
    from chinese_calendar.constants import Holiday

    for holiday in Holiday:
        if holiday.value == english:
            return holiday.chinese
    return english or "节假日"


def seed(apps, schema_editor):
    import chinese_calendar

    from apps.sla.workdays import WorkingCalendar

    CalendarYear = apps.get_model("sla", "CalendarYear")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    CalendarState = apps.get_model("sla", "CalendarState")
    WorkingDayIndex = apps.get_model("sla", "WorkingDayIndex")
    db = schema_editor.connection.alias

    source = f"chinese-calendar {chinese_calendar.__version__}"
    now = timezone.now()
    rows, stored = [], {}
    for year in range(SEED_FIRST_YEAR, SEED_LAST_YEAR + 1):
        CalendarYear.objects.using(db).update_or_create(
            year=year,
            defaults={
                "status": "confirmed",
                "notice": KNOWN_NOTICES.get(year, f"国务院办公厅关于{year}年部分节假日安排的通知"),
                "source": source,
                "entered_at": now,
            },
        )
        day = date(year, 1, 1)
        while day.year == year:
            is_workday = chinese_calendar.is_workday(day)
            if is_workday == (day.weekday() >= 5):
                name = _name(chinese_calendar.get_holiday_detail(day)[1])
                kind = "makeup_workday" if is_workday else "holiday"
                rows.append(CalendarDay(year_id=year, date=day, is_workday=is_workday, kind=kind, name=name))
                stored[day] = (is_workday, name)
            day += timedelta(days=1)
    CalendarDay.objects.using(db).bulk_create(rows, batch_size=500)

    state, _ = CalendarState.objects.using(db).get_or_create(pk=1)
    state.version += 1
    state.save()
    years = {y: "confirmed" for y in range(SEED_FIRST_YEAR, SEED_LAST_YEAR + 1)}
    calendar = WorkingCalendar(years=years, days=stored, version=state.version)
    WorkingDayIndex.objects.using(db).all().delete()
    fields = ("day", "is_workday", "ordinal", "rank_before", "workday_rank", "provisional", "prov_ordinal", "prov_before")
    WorkingDayIndex.objects.using(db).bulk_create(
        (WorkingDayIndex(**dict(zip(fields, row, strict=True))) for row in calendar.index_rows()), batch_size=2000
    )


def unseed(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("sla", "WorkingDayIndex").objects.using(db).all().delete()
    apps.get_model("sla", "CalendarDay").objects.using(db).all().delete()
    apps.get_model("sla", "CalendarYear").objects.using(db).filter(year__lte=SEED_LAST_YEAR).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
