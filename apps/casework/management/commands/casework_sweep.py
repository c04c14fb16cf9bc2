from django.core.management.base import BaseCommand

from apps.casework.sla_policy import sla_sweep


class Command(BaseCommand):
    help = "Fire due workflow timers and raise due-soon notices and breach escalations (what the beat job runs)."

    def handle(self, *args, **options):
        counts = sla_sweep()
        self.stdout.write(", ".join(f"{key}={value}" for key, value in counts.items()))
