"""Benchmark: the SLA dashboard's summary (apps.reports.selectors.sla_dashboard, GET /api/v1/stats/sla) with a
million cases in PostgreSQL.

    .venv/bin/python bench/bench_sla_dashboard.py [--cases 1000000] [--runs 20] [--baseline-runs 3] [--keep]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/credit_repair_bench (dropped, created: a throwaway). It is
migrated and given the demo world (seed_demo: departments, staff, rule rows, one case of each shape), then
bench/load/generate.py adds --cases cases (60 % repairs, 40 % objections, 2 % open at a human step with their open
tasks, the rest closed; LOAD_CLOSED_HISTORY=0: the closed cases' done tasks are left out, no list of the dashboard
reads them and the open tasks are read through the partial indexes of casework 0004). Then each case gets its
deadlines, set-based: a repair its intake and answer deadlines, an objection its close deadline; a closed case's
are closed (closed_at spread over the last two years, nine in ten on time), an open case's answer/close deadline
runs (due from ten days ago to forty days ahead; one in twenty paused).

Closed deadlines get updated_at = closed_at (a closed deadline is never written again after it closes): the board's
check that its kept earlier-month counts still hold reads the closings since they were counted.

Measured, for the credit office (monitor1: every department) and a department head (head1: own department, scoped by
the case's department column; the generated cases are all of head1's department, the worst case for a head):
- the first call, with an empty cache: it also counts the closings of the earlier months shown and keeps them
  (apps.casework.selectors._closed_month_counts);
- the summary selector sla_dashboard(...), --runs runs: median and p95 (target: median <= 200 ms for the office);
- GET /api/v1/stats/sla through the Django test client (session login), --runs runs: median and p95;
- the baseline, the naive way: every deadline of the cases the user may see loaded into Python and counted there
  (same states and months as the dashboard), --baseline-runs runs.

The load average is printed before and after measuring (the machine may be shared). Not a test: figures to read.
"""

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from support import drop_database, fresh_django, insert_deadlines, median_p95, postgres_url, timed

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200.0
API_PATH = "/api/v1/stats/sla"


def populate(url: str, cases: int) -> None:
    """seed_demo and bench/load/generate.py in their own processes (as bench/load/run.py runs them)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"},
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEMO_MODE": "1",
        "LOAD_CASES": str(cases),
        "LOAD_CLOSED_HISTORY": "0",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    subprocess.run([python, "bench/load/generate.py"], cwd=ROOT, env=env, check=True)


def add_deadlines(today: date) -> int:
    """The deadlines of every generated case (reference 'LD-...'), as the module docstring says."""
    from django.db import connection

    from apps.objections.models import Objection
    from apps.repairs.models import RepairCase

    def open_sql(model) -> str:
        return "c.status IN (" + ", ".join(f"'{status}'" for status in model.OPEN_STATUSES) + ")"

    inserted = 0
    for model, table, purposes in (
        (RepairCase, "repairs_repaircase", ("intake", "answer")),
        (Objection, "objections_objection", ("close",)),
    ):
        is_open = open_sql(model)
        for purpose in purposes:
            # The intake deadline of an open repair is closed too (the case is past intake).
            running = f"{is_open} AND '{purpose}' <> 'intake'"
            inserted += insert_deadlines(
                source=f"{table} c WHERE c.reference LIKE 'LD-%'",
                owner_type=f"'{model._meta.label_lower}'",
                owner_id="c.id",
                purpose=f"'{purpose}'",
                due_date=f"CASE WHEN {running} THEN DATE '{today}' - 10 + mod(c.id, 50)::int "
                f"ELSE (now() - mod(c.id, 730) * interval '1 day')::date + CASE WHEN mod(c.id, 10) = 0 THEN -3 ELSE 5 END "
                "END",
                status=f"CASE WHEN {running} THEN CASE WHEN mod(c.id, 20) = 0 THEN 'paused' ELSE 'open' END "
                "ELSE 'closed' END",
                closed_at=f"CASE WHEN {running} THEN NULL ELSE now() - mod(c.id, 730) * interval '1 day' END",
                closed_on_time=f"CASE WHEN {running} THEN NULL ELSE mod(c.id, 10) <> 0 END",
                updated_at=f"CASE WHEN {running} THEN now() ELSE now() - mod(c.id, 730) * interval '1 day' END",
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sla_deadline")
    return inserted


def naive_summary(*, user, department, today: date, months: int = 6) -> dict[str, int]:
    """The baseline: load (status, due date, closed at, on time) of every deadline of the cases `user` may see and
    count the dashboard's deadline figures in Python."""
    from apps.casework.selectors import _deadline_case_q
    from apps.casework.sla_policy import due_soon_horizon
    from apps.core.clock import business_date
    from apps.sla.models import Deadline

    horizon = due_soon_horizon(today)
    first = today.replace(day=1)
    month_keys = set()
    for back in range(months):
        year, index = divmod(first.year * 12 + first.month - 1 - back, 12)
        month_keys.add((year, index + 1))
    counts: Counter[str] = Counter()
    rows = Deadline.objects.filter(_deadline_case_q(user=user, department=department)).values_list(
        "status", "due_date", "closed_at", "closed_on_time"
    )
    for status, due, closed_at, on_time in rows.iterator(chunk_size=20_000):
        if status == "open":
            counts["breached"] += due < today
            counts["due_soon"] += today <= due <= horizon
            counts["due_today"] += due == today
            counts["due_tomorrow"] += due == today + timedelta(days=1)
        elif status == "paused":
            counts["paused"] += 1
        elif closed_at is not None:
            closed_on = business_date(closed_at)
            if (closed_on.year, closed_on.month) in month_keys:
                counts[f"closed {closed_on:%Y-%m}"] += 1
                counts[f"on_time {closed_on:%Y-%m}"] += bool(on_time)
    return dict(counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep run")
    args = parser.parse_args()
    url = postgres_url("bench_sla_dashboard")
    if url is None:
        return 2
    started = time.perf_counter()
    if args.reuse:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the indexes added since the database was kept
    else:
        fresh_django(url)
        populate(url, args.cases)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from apps.accounts.models import User
    from apps.core import clock
    from apps.reports.selectors import sla_dashboard

    today = clock.today()
    if not args.reuse:
        added = add_deadlines(today)
        print(f"populated in {time.perf_counter() - started:.0f} s ({added} deadlines added)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM repairs_repaircase), (SELECT count(*) FROM objections_objection), "
            "(SELECT count(*) FROM sla_deadline), (SELECT count(*) FROM sla_deadline WHERE status <> 'closed'), "
            "(SELECT count(*) FROM viewflow_task WHERE status IN ('NEW', 'ASSIGNED'))"
        )
        repairs, objections, deadlines, running, open_tasks = cursor.fetchone()
    print(
        f"{repairs + objections} cases ({repairs} repairs, {objections} objections), {deadlines} deadlines "
        f"({running} running or paused), {open_tasks} open tasks"
    )

    print(
        f"load average at start of measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    monitor, head = User.objects.get(username="monitor1"), User.objects.get(username="head1")
    audiences = [("credit office (monitor1)", monitor, None), ("department head (head1)", head, head.department)]
    print(f"\n{'':58}{'median ms':>11}{'p95 ms':>11}{'runs':>6}")
    verdicts = []
    for label, user, department in audiences:
        # The first call also counts the earlier months' closings and keeps them (apps.casework.selectors
        # _closed_month_counts): timed on its own, with an empty cache.
        cache.clear()
        first_seconds, _ = timed(lambda u=user, d=department: sla_dashboard(user=u, department=d, today=today), 1)
        print(
            f"{'first call (counts and keeps earlier months), ' + label:58}{first_seconds[0] * 1000:11.1f}{'':11}{1:6}"
        )
        seconds, figures = timed(
            lambda u=user, d=department: sla_dashboard(user=u, department=d, today=today), args.runs
        )
        median, p95 = median_p95(seconds)
        print(f"{'selector sla_dashboard, ' + label:58}{median * 1000:11.1f}{p95 * 1000:11.1f}{args.runs:6}")
        if department is None:
            verdicts.append(median * 1000 <= TARGET_MS)
        client = Client()
        client.force_login(user)
        assert client.get(API_PATH).status_code == 200
        api_seconds, response = timed(lambda c=client: c.get(API_PATH), args.runs)
        median, p95 = median_p95(api_seconds)
        print(f"{'GET ' + API_PATH + ', ' + label:58}{median * 1000:11.1f}{p95 * 1000:11.1f}{args.runs:6}")
        base_seconds, counts = timed(
            lambda u=user, d=department: naive_summary(user=u, department=d, today=today), args.baseline_runs
        )
        median, p95 = median_p95(base_seconds)
        print(
            f"{'baseline: deadlines counted in Python, ' + label:58}{median * 1000:11.1f}{p95 * 1000:11.1f}"
            f"{args.baseline_runs:6}"
        )
        agree = all(
            figures[key]["count"] == counts.get(key, 0)
            for key in ("breached", "due_soon", "due_today", "due_tomorrow", "paused")
        ) and all(
            row["closed"]["count"] == counts.get(f"closed {row['month']}", 0)
            and row["on_time"]["count"] == counts.get(f"on_time {row['month']}", 0)
            for row in figures["on_time_by_month"]
        )
        print(
            f"    breached {figures['breached']['count']}, due soon {figures['due_soon']['count']}, paused "
            f"{figures['paused']['count']}, open tasks {figures['open_total']['count']}; "
            f"baseline agrees: {'yes' if agree else 'NO'}"
        )
        verdicts.append(agree)
    print(f"load average at end of measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    verdict = "met" if all(verdicts) else "NOT met"
    print(f"target: the credit office's summary median <= {TARGET_MS:.0f} ms with {args.cases} cases: {verdict}")
    connection.close()
    if not args.keep:
        drop_database(url)
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
