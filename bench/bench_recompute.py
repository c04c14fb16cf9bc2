"""Benchmark: entering a year's holiday arrangement with a million open deadlines in PostgreSQL.

    .venv/bin/python bench/bench_recompute.py [--rows 1000000] [--sample 10000] [--keep]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/credit_repair_bench. That database is dropped and
created again (it is a throwaway), migrated, and filled with --rows open deadlines whose windows span 2026-2027
(INSERT ... SELECT generate_series, computed from the working-day index) plus finished pauses on one in twenty.
Then it times calendar_year_confirm(2027, ...) with a sample arrangement, which recomputes every deadline
touching 2027 set-based, and compares with the row-by-row Python approach measured on --sample rows and
extrapolated. Target: the whole confirm in at most 60 s. Not a test: a figure to read.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from urllib.parse import urlparse

from support import DEFAULT_URL, drop_database, recreate_database

TARGET_SECONDS = 60.0

# A SAMPLE arrangement for 2027 (the real one is published around November 2026): the statutory dates plus
# bridging days off, and weekend make-up working days.
SAMPLE_2027 = (
    [(date(2027, 1, 1), False, "元旦")]
    + [
        (date(2027, 2, 5) + timedelta(days=i), False, "春节")
        for i in range(7)
        if (date(2027, 2, 5) + timedelta(days=i)).weekday() < 5
    ]
    + [(date(2027, 2, 20), True, "春节"), (date(2027, 1, 31), True, "春节")]
    + [(date(2027, 4, 5), False, "清明节")]
    + [(date(2027, 5, d), False, "劳动节") for d in (3, 4, 5)]
    + [(date(2027, 4, 25), True, "劳动节"), (date(2027, 5, 8), True, "劳动节")]
    + [(date(2027, 6, 9), False, "端午节"), (date(2027, 9, 15), False, "中秋节")]
    + [(date(2027, 10, d), False, "国庆节") for d in (1, 4, 5, 6, 7)]
    + [(date(2027, 9, 26), True, "国庆节"), (date(2027, 10, 9), True, "国庆节")]
)


def fill(rows: int) -> None:
    """rows open deadlines: counts_from 2026-06-01 + (i mod 540 days), 1-60 working days, due dates computed by
    the same index the recompute uses; one in twenty has a finished pause of about a week."""
    from django.db import connection

    from apps.sla.services import _recompute_deadlines

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO sla_deadline (created_at, updated_at, owner_type, owner_id, purpose, started_at, counts_from,
                received_on, working_days, extended_working_days, paused_working_days, due_date, provisional, status)
            SELECT now(), now(), 'bench.case', s.g, 'bench', (s.cf + time '10:00') AT TIME ZONE 'Asia/Shanghai', s.cf,
                r.day, s.wd, 0, 0, n.day, n.prov_ordinal > b.prov_before, 'open'
            FROM (SELECT g, DATE '2026-06-01' + mod(g, 540)::int AS cf, 1 + mod(g, 60)::int AS wd FROM generate_series(1, %s) g) s
            JOIN sla_workingdayindex b ON b.day = s.cf
            JOIN sla_workingdayindex r ON r.workday_rank = b.rank_before + 1
            JOIN sla_workingdayindex n ON n.workday_rank = b.rank_before + 1 + s.wd
            """,
            [rows],
        )
        cursor.execute(
            """
            INSERT INTO sla_deadlinepause (deadline_id, started_at, started_on, ended_at, ended_on, reason, working_days)
            SELECT id, started_at + interval '2 days', received_on + 2, started_at + interval '9 days',
                received_on + 9, '补正', 0
            FROM sla_deadline WHERE mod(id, 20) = 0
            """
        )
    # Bring the pause counts and due dates in line with the current calendar (the same code path, not timed).
    _recompute_deadlines(span_start=date(2004, 1, 1), span_end=date(2099, 12, 31), version=0)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sla_deadline SET recomputed_in = NULL WHERE recomputed_in IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sla_deadline")
        cursor.execute("VACUUM ANALYZE sla_deadlinepause")


def row_by_row(sample: int) -> tuple[float, int]:
    """The approach the set-based recompute replaces: load each deadline, compute in Python, save it. Run on
    `sample` rows touching 2027 inside a transaction that is rolled back."""
    from django.db import transaction

    from apps.sla.models import Deadline
    from apps.sla.workdays import current_calendar

    class Rollback(Exception):
        pass

    mismatches = 0
    started = time.perf_counter()
    try:
        with transaction.atomic():
            calendar = current_calendar(fresh=True)
            query = Deadline.objects.filter(
                status__in=["open", "paused"], counts_from__lte=date(2027, 12, 31), due_date__gte=date(2027, 1, 1)
            ).prefetch_related("pauses")
            for deadline in query.order_by("id")[:sample]:
                received = calendar.next_working_day(deadline.counts_from)
                paused = sum(
                    calendar.working_days_between(p.started_on, p.ended_on) for p in deadline.pauses.all() if p.ended_on
                )
                due = calendar.add_working_days(
                    received, deadline.working_days + deadline.extended_working_days + paused
                )
                mismatches += (received, paused, due) != (
                    deadline.received_on,
                    deadline.paused_working_days,
                    deadline.due_date,
                )
                deadline.received_on, deadline.paused_working_days, deadline.due_date = received, paused, due
                deadline.provisional = calendar.is_provisional(deadline.counts_from, due)
                deadline.save(
                    update_fields=["received_on", "paused_working_days", "due_date", "provisional", "updated_at"]
                )
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if urlparse(url).scheme not in {"postgres", "postgresql"}:
        print("bench_recompute needs PostgreSQL (DATABASE_URL=postgres://...)")
        return 2
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    print(f"recreating {urlparse(url).path.lstrip('/')} and migrating ...", flush=True)
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    fill(args.rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE provisional), min(counts_from), max(due_date) FROM sla_deadline"
        )
        total, provisional, first, last = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM sla_deadlinepause")
        pauses = cursor.fetchone()[0]
    print(
        f"filled {total} open deadlines ({provisional} provisional, {first}..{last}) and {pauses} pauses in {time.perf_counter() - started:.1f} s"
    )

    from apps.sla.models import Deadline
    from apps.sla.services import calendar_year_confirm

    started = time.perf_counter()
    year = calendar_year_confirm(
        year=2027, days=SAMPLE_2027, notice="SAMPLE arrangement for the benchmark", acting_user=None, replace=True
    )
    confirm_seconds = time.perf_counter() - started
    changed = year.deadlines_recomputed
    still_provisional = Deadline.objects.filter(provisional=True).count()

    sample = min(args.sample, changed or args.sample)
    sample_seconds, mismatches = row_by_row(sample)
    extrapolated = sample_seconds / max(sample, 1) * max(changed, 1)

    print(
        f"calendar_year_confirm(2027): {changed} deadlines changed; still provisional afterwards: {still_provisional}"
    )
    print(f"{'':52}{'seconds':>12}{'per row µs':>12}")
    print(
        f"{'set-based (confirm + index rebuild + recompute)':52}{confirm_seconds:12.2f}{confirm_seconds / max(changed, 1) * 1e6:12.1f}"
    )
    print(
        f"{f'row by row in Python, {sample} rows measured':52}{sample_seconds:12.2f}{sample_seconds / max(sample, 1) * 1e6:12.1f}"
    )
    print(f"{f'row by row extrapolated to {changed} rows':52}{extrapolated:12.2f}")
    print(
        f"ratio row-by-row / set-based: {extrapolated / confirm_seconds:.1f}x; sample rows disagreeing with the set-based result: {mismatches}"
    )
    verdict = "met" if confirm_seconds <= TARGET_SECONDS and not mismatches else "NOT met"
    print(f"target: confirm <= {TARGET_SECONDS:.0f} s for {args.rows} rows: {verdict}")

    connection.close()
    if not args.keep:
        drop_database(url)
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
