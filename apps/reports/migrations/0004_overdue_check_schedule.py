"""Register the missing-report check with django-celery-beat: daily at 09:00 Asia/Shanghai, after the 06:00 job that
issues the report, so a report the job issues that morning is never reported missing. The service decides whether
the reporting day (rule report.monthly_due_day) has come."""

from django.db import migrations

TASK = "reports.monthly_report_overdue"
NAME = "reports: breach notice for a monthly report missing on the reporting day"


def register(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="9", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "crontab": daily, "enabled": True})


def unregister(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_beat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(register, unregister)]
