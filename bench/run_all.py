"""Every benchmark, one after the other, each printing its figures beside its baseline (`make bench`).

    .venv/bin/python bench/run_all.py [--quick]

- bench_deadline.py: working-day arithmetic against the naive chinese_calendar loop (target >= 100x);
- bench_recompute.py: confirming a year's holidays with 1,000,000 open deadlines on PostgreSQL (target <= 60 s);
- bench_queue.py: the task queue (GET /api/v1/tasks and the workbench's queue page) with a million tasks on PostgreSQL
  (target p95 <= 50 ms, the same queries on every page), beside Viewflow's built-in queue page on the same data;
- bench_sla_sweep.py: the SLA sweep over 1,000,000 open deadlines of which 1 % are due, beside a sequential scan
  (target: finding the due deadlines and a steady-state sweep <= 1 s);
- bench_sla_dashboard.py: the SLA dashboard's summary with 1,000,000 cases, beside the deadlines counted in Python
  (target: median <= 200 ms);
  the four PostgreSQL benchmarks are skipped with the reason when no PostgreSQL answers on 127.0.0.1:5432 (or
  DATABASE_URL);
- bench_notices.py: 10,000 repair notices rendered and stored (target >= 33 per second, <= 100 KB each), through a
  real Celery worker when Redis answers on 127.0.0.1:6379 (--celery), else by forked processes.

--quick runs small sizes (a smoke run: the figures are not the targets' sizes). The exit status is 1 when a
benchmark fails to run; whether a target is met is printed by each benchmark.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/credit_repair_bench"
POSTGRES_BENCHES = {"bench_recompute.py", "bench_queue.py", "bench_sla_sweep.py", "bench_sla_dashboard.py"}


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def postgres_answers(url: str) -> bool:
    parsed = urlparse(url)
    return answers(parsed.hostname or "127.0.0.1", parsed.port or 5432)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the benchmarks run, not the targets")
    args = parser.parse_args()
    pg_url = os.environ.get("DATABASE_URL", "")
    if urlparse(pg_url).scheme not in {"postgres", "postgresql"}:
        pg_url = DEFAULT_PG
    runs = [
        ("bench_deadline.py", ["--pairs", "2000"] if args.quick else [], {}),
        ("bench_recompute.py", ["--rows", "20000", "--sample", "2000"] if args.quick else [], {"DATABASE_URL": pg_url}),
        ("bench_sla_sweep.py", ["--rows", "20000"] if args.quick else [], {"DATABASE_URL": pg_url}),
        (
            "bench_sla_dashboard.py",
            ["--cases", "5000", "--runs", "5", "--baseline-runs", "1"] if args.quick else [],
            {"DATABASE_URL": pg_url},
        ),
        (
            "bench_queue.py",
            ["--cases", "2000", "--repeat", "10"] if args.quick else [],
            {"DATABASE_URL": urlparse(pg_url)._replace(path=urlparse(pg_url).path + "_queue").geturl()},
        ),
        (
            "bench_notices.py",
            (["--count", "200", "--check-sample", "5"] if args.quick else [])
            + (["--celery"] if answers("127.0.0.1", 6379) else []),
            {},
        ),
    ]
    failed = []
    for script, extra, env in runs:
        print(f"\n=== {script} {' '.join(extra)}".rstrip(), flush=True)
        if script in POSTGRES_BENCHES and not postgres_answers(pg_url):
            print(f"skipped: no PostgreSQL answers at {urlparse(pg_url).netloc} (start it, or set DATABASE_URL)")
            continue
        began = time.perf_counter()
        # bench_notices takes its own throwaway SQLite database; it must not inherit a DATABASE_URL it would use.
        child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
        result = subprocess.run([sys.executable, str(HERE / script), *extra], env=child_env)
        print(f"--- {script}: exit {result.returncode}, {time.perf_counter() - began:.0f} s", flush=True)
        if result.returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed to run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
