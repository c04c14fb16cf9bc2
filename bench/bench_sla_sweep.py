"""Benchmark: the SLA sweep (apps.casework.sla_policy.sla_sweep) over a million open deadlines in PostgreSQL.

    .venv/bin/python bench/bench_sla_sweep.py [--rows 1000000] [--due-share 0.01] [--runs 5] [--keep]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/credit_repair_bench (dropped, created, migrated: a
throwaway). It inserts --rows open deadlines set-based (bench/support.py, INSERT ... SELECT generate_series), owned by
the registered case types (repairs.repaircase, objections.objection in turn); one in 1/due-share is due (half
breached, due 1-30 days ago; half due soon, due between today and the `sla.due_soon` horizon), the others fall due
after the horizon. The owning cases are not inserted: a notice then goes to no officer (sla_notice_raise skips
notifications for a case it cannot load), so the per-notice cost printed is the notice, its case event and the
look-ups, without the notification fan-out.

What "one sweep" means here (target <= 1 s for 1,000,000 deadlines of which 1 % are due):

- the selection: the two queries by which the sweep finds the running deadlines that are due (due soon, breached)
  and miss their notice (NOT EXISTS on SlaNotice). The target applies to this: it is what every run of the beat job
  pays, however few notices are new. Timed on its own (ids fetched), with the plan's shape printed;
- the steady-state sweep: sla_sweep itself once every notice has been raised (the beat job on an ordinary run: it
  fires the due timers, finds the due deadlines, raises nothing). Median of --runs runs. Target <= 1 s;
- the first sweep: sla_sweep raising every notice (10,000 at full size), the total and the cost per notice, printed
  for what it is: one transaction per notice, a cost proportional to the notices raised, not to the table;
- the baseline: the same selection with index scans switched off (SET enable_indexscan/enable_bitmapscan = off: a
  sequential scan of sla_deadline), and a plain `SELECT count(*) FROM sla_deadline`.

Not a test: figures to read.
"""

import argparse
import sys
import time
from datetime import timedelta

from support import drop_database, explain, fresh_django, insert_deadlines, median_p95, postgres_url, timed

TARGET_SECONDS = 1.0
LABELS = ("repairs.repaircase", "objections.objection")


def fill(*, rows: int, due_every: int, today, horizon) -> None:
    """g % due_every == 0: due (alternately breached and due soon); else due after the horizon."""
    from django.db import connection

    soon_days = max((horizon - today).days, 0) + 1
    due = (
        f"CASE WHEN mod(g, {due_every}) <> 0 THEN DATE '{horizon}' + 1 + mod(g, 400)::int "
        f"WHEN mod(g / {due_every}, 2) = 0 THEN DATE '{today}' - 1 - mod(g / {due_every}, 30)::int "
        f"ELSE DATE '{today}' + mod(g / {due_every}, {soon_days})::int END"
    )
    owner_type = f"CASE WHEN mod(g, 2) = 0 THEN '{LABELS[0]}' ELSE '{LABELS[1]}' END"
    batch = 250_000
    for first in range(1, rows + 1, batch):
        insert_deadlines(rows=min(batch, rows - first + 1), first=first, owner_type=owner_type, due_date=due)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sla_deadline")


def selection(today):
    """The querysets by which sla_sweep finds what is due and missing its notice (the same filters, same order)."""
    from django.db.models import Exists, OuterRef

    from apps.casework.models import SlaNotice
    from apps.casework.sla_policy import due_soon_horizon
    from apps.sla.models import Deadline

    horizon = due_soon_horizon(today)
    running = Deadline.objects.filter(status=Deadline.Status.OPEN, owner_type__in=list(LABELS))

    def missing(kind: str):
        return Exists(SlaNotice.objects.filter(deadline=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date")))

    due_soon = running.filter(due_date__gte=today, due_date__lte=horizon).exclude(missing(SlaNotice.Kind.DUE_SOON))
    breached = running.filter(due_date__lt=today).exclude(missing(SlaNotice.Kind.BREACH))
    return due_soon, breached


def run_selection(today) -> int:
    return sum(len(list(qs.values_list("pk", flat=True))) for qs in selection(today))


def seq_scan(today, runs: int) -> tuple[list[float], int, list[str]]:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        seconds, found = timed(lambda: run_selection(today), runs)
        plan = explain(*selection(today)[1].values("pk").query.sql_with_params())
    return seconds, found, plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = postgres_url("bench_sla_sweep")
    if url is None:
        return 2
    fresh_django(url)
    from django.db import connection

    from apps.casework.models import SlaNotice
    from apps.casework.sla_policy import due_soon_horizon, sla_sweep
    from apps.core import clock

    today = clock.today()
    horizon = due_soon_horizon(today)
    started = time.perf_counter()
    fill(rows=args.rows, due_every=max(round(1 / args.due_share), 1), today=today, horizon=horizon)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE due_date < %s), count(*) FILTER (WHERE due_date BETWEEN %s AND %s)"
            " FROM sla_deadline WHERE status = 'open'",
            [today, today, horizon],
        )
        total, breached, soon = cursor.fetchone()
    print(
        f"filled {total} open deadlines in {time.perf_counter() - started:.1f} s: {breached} breached, {soon} due soon "
        f"(today {today}, due-soon horizon {horizon}), {total - breached - soon} due later"
    )

    # Baselines: a sequential scan of the table, and the selection forced onto it.
    def count_all() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sla_deadline")
            return cursor.fetchone()[0]

    count_seconds, _ = timed(count_all, args.runs)
    seq_seconds, seq_found, seq_plan = seq_scan(today, args.runs)
    # The selection as the sweep runs it, before any notice exists.
    sel_seconds, found = timed(lambda: run_selection(today), args.runs)
    plan = explain(*selection(today)[1].values("pk").query.sql_with_params())

    started = time.perf_counter()
    first = sla_sweep(today=today)
    first_seconds = time.perf_counter() - started
    raised = first["due_soon"] + first["breach"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_slanotice")
    steady_seconds, steady = timed(lambda: sla_sweep(today=today), args.runs)
    after_seconds, after_found = timed(lambda: run_selection(today), args.runs)
    after_plan = explain(*selection(today)[1].values("pk").query.sql_with_params())
    notices = SlaNotice.objects.count()

    def row(label: str, seconds: list[float], extra: str = "") -> None:
        median, p95 = median_p95(seconds)
        print(f"{label:62}{median * 1000:11.1f}{p95 * 1000:11.1f}  {extra}")

    print(f"\n{'':62}{'median ms':>11}{'max ms':>11}")
    row("baseline: SELECT count(*) FROM sla_deadline (seq scan)", count_seconds)
    row("baseline: the selection forced onto a seq scan", seq_seconds, f"{seq_found} due found")
    row("selection (due, notice missing), before the first sweep", sel_seconds, f"{found} due found")
    row("selection after the first sweep (nothing missing)", after_seconds, f"{after_found} found")
    row("steady-state sla_sweep (notices already raised)", steady_seconds, f"{steady}")
    print(
        f"first sla_sweep: {first_seconds:.2f} s, {raised} notices raised ({first}), "
        f"{first_seconds / max(raised, 1) * 1000:.2f} ms per notice; {notices} notices stored"
    )
    print("\nplan of the breach selection, seq scan forced (baseline):")
    print("\n".join(f"    {line}" for line in seq_plan))
    print("plan of the breach selection, before the first sweep:")
    print("\n".join(f"    {line}" for line in plan))
    print("plan of the breach selection, after it (steady state):")
    print("\n".join(f"    {line}" for line in after_plan))
    selection_median = median_p95(after_seconds)[0]
    steady_median = median_p95(steady_seconds)[0]
    print(
        f"\nratio seq scan / selection: {median_p95(seq_seconds)[0] / max(median_p95(sel_seconds)[0], 1e-9):.1f}x; "
        f"{timedelta(seconds=first_seconds)} for the first sweep"
    )
    verdict = "met" if max(selection_median, steady_median) <= TARGET_SECONDS and raised == found else "NOT met"
    print(f"target: steady-state sweep and selection <= {TARGET_SECONDS:.0f} s for {args.rows} rows: {verdict}")

    connection.close()
    if not args.keep:
        drop_database(url)
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
