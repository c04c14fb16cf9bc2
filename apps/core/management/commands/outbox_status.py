"""The outbox's consistency check: how much background work is still owed, and why the failing rows fail."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.outbox import outbox_pending, outbox_relay, outbox_status


class Command(BaseCommand):
    help = (
        "Show the outbox rows still owed (pending, failing) and, with --max-age, fail when one is older than that "
        "(for monitoring); --relay publishes the due rows once first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-age", type=int, default=None, help="seconds; exit 1 if a pending row is older")
        parser.add_argument("--relay", action="store_true", help="publish the due rows once before reporting")
        parser.add_argument("--show", type=int, default=20, help="list at most this many pending rows")

    def handle(self, *args, **options):
        if options["relay"]:
            result = outbox_relay()
            self.stdout.write(
                f"relay: {result.sent} sent, {result.failed} failed, broker down: {'yes' if result.broker_down else 'no'}"
            )
        now = timezone.now()
        status = outbox_status(now=now)
        oldest = f"{(now - status.oldest_pending).total_seconds():.0f} s" if status.oldest_pending else "-"
        self.stdout.write(
            f"outbox: {status.pending} pending ({status.failing} failing), oldest {oldest}; "
            f"{status.sent_last_day} sent in the last 24 h"
        )
        for row in outbox_pending().order_by("created_at")[: options["show"]]:
            self.stdout.write(
                f"  #{row.pk} {row.task} {row.kwargs} attempts={row.attempts} created={row.created_at:%Y-%m-%d %H:%M:%S}"
                + (f" error={row.last_error[:120]}" if row.last_error else "")
            )
        max_age = options["max_age"]
        if max_age is not None and status.oldest_pending and status.oldest_pending < now - timedelta(seconds=max_age):
            raise CommandError(f"outbox: a row has been pending for more than {max_age} s")
