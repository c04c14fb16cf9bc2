"""The embedded scheduler: without a broker (`make run`), run the beat schedule's tasks in this process.

Production runs `celery -A config beat` and workers instead; this command reads the same django-celery-beat
schedule, so there is one list of periodic jobs.
"""

import time

from celery import current_app
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_celery_beat.models import PeriodicTask


class Command(BaseCommand):
    help = "Run the enabled periodic tasks in-process every --every seconds (embedded mode only)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=60)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, **options):
        current_app.loader.import_default_modules()  # autodiscovery is lazy: load every app's tasks.py
        while True:
            for name in PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True):
                task = current_app.tasks.get(name)
                if task is None:
                    self.stderr.write(f"unknown periodic task {name}")
                    continue
                try:
                    result = task.apply().get(propagate=True)
                    self.stdout.write(f"{name}: {result}")
                except Exception as exc:  # one failing job must not stop the others
                    self.stderr.write(f"{name} failed: {exc!r}")
            if options["once"]:
                return
            close_old_connections()  # a long-lived loop must not keep a dead or too-old connection
            time.sleep(options["every"])
