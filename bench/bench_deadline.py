"""Benchmark: the project's add_working_days against the naive loop over chinese_calendar.is_workday.

    .venv/bin/python bench/bench_deadline.py [--pairs 20000] [--seed 2026]

Uses a throwaway SQLite database (migrated, so the calendar is the seeded one), draws the same random
(date, n) pairs for both (dates 2010-01-01..2026-09-30, n in 1..60), checks that every answer agrees, and prints
the time per call of each and the speed-up (target: at least 100x). Not a test: a figure to read.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SPEEDUP = 100


def naive_add_working_days(day: date, n: int) -> date:
    import chinese_calendar

    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-deadline-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("VAR_DIR", workdir)
    import django

    django.setup()
    from django.core.management import call_command

    print(f"migrating a throwaway database in {workdir} ...", flush=True)
    call_command("migrate", verbosity=0)

    from apps.sla.workdays import add_working_days, current_calendar

    rng = random.Random(args.seed)
    first, last = date(2010, 1, 1).toordinal(), date(2026, 9, 30).toordinal()
    pairs = [(date.fromordinal(rng.randint(first, last)), rng.randint(1, 60)) for _ in range(args.pairs)]

    current_calendar(fresh=True)  # load once, as any process does on its first call

    started = time.perf_counter()
    naive = [naive_add_working_days(day, n) for day, n in pairs]
    naive_seconds = time.perf_counter() - started

    started = time.perf_counter()
    ours = [add_working_days(day, n) for day, n in pairs]
    ours_seconds = time.perf_counter() - started

    calendar = current_calendar()
    started = time.perf_counter()
    for day, n in pairs:
        calendar.add_working_days(day, n)
    pure_seconds = time.perf_counter() - started

    mismatches = sum(a != b for a, b in zip(naive, ours, strict=True))
    per_call = lambda seconds: seconds / len(pairs) * 1e6  # noqa: E731
    speedup = naive_seconds / ours_seconds
    print(f"pairs: {len(pairs)} (dates 2010-01-01..2026-09-30, n 1..60, seed {args.seed}); disagreements: {mismatches}")
    print(f"{'':44}{'total s':>10}{'µs/call':>10}{'speed-up':>10}")
    print(
        f"{'naive loop (chinese_calendar.is_workday)':44}{naive_seconds:10.3f}{per_call(naive_seconds):10.2f}{1:10.1f}x"
    )
    print(
        f"{'apps.sla.workdays.add_working_days':44}{ours_seconds:10.3f}{per_call(ours_seconds):10.2f}{speedup:10.1f}x"
    )
    print(
        f"{'  WorkingCalendar method (no cache check)':44}{pure_seconds:10.3f}{per_call(pure_seconds):10.2f}{naive_seconds / pure_seconds:10.1f}x"
    )
    verdict = "met" if speedup >= TARGET_SPEEDUP and not mismatches else "NOT met"
    print(f"target: >= {TARGET_SPEEDUP}x and no disagreement: {verdict}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
