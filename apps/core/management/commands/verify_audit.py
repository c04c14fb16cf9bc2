from django.core.management.base import BaseCommand, CommandError

from apps.core.models import CaseEvent
from apps.core.selectors import audit_chain_breaks


class Command(BaseCommand):
    help = "Check the hash chain of case events and report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="report every broken link, not only the first")

    def handle(self, *args, **options):
        breaks = []
        for item in audit_chain_breaks():
            breaks.append(item)
            if not options["all"]:
                break
        if breaks:
            for item in breaks:
                self.stderr.write(f"BROKEN at event #{item.seq}: {item.reason}")
            raise CommandError(f"audit chain broken at event #{breaks[0].seq}")
        self.stdout.write(f"audit chain OK: {CaseEvent.objects.count()} events verified")
