"""Benchmark: the task queue (GET /api/v1/tasks and the workbench's queue page) with a million tasks in PostgreSQL.

    .venv/bin/python bench/bench_queue.py [--cases 48600] [--repeat 30] [--reuse] [--keep]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/credit_repair_bench_queue. That database is dropped and
created again (a throwaway), migrated, seeded with the demo world and filled by bench/load/generate.py (set-based
INSERT ... SELECT; about 20.6 tasks per case, 2% of cases open: --cases 48600 gives about a million tasks, nearly
all done). --reuse measures a database already filled that way.

As officer1 (Django test client, logged in, DEBUG off) it times several pages and sorts of the task API and of the
queue page (wall p50/p95, and the CPU time of this Python process per request: on a shared machine the wall time also
holds the wait for a core), counts the queries of each, and times Viewflow's built-in queue page (FlowAppViewset,
unscoped, mounted under /baseline/) on the same data; then prints EXPLAIN's plan shape of the list's filter query.
Target: p95 <= 50 ms and the same number of queries on every page. Not a test: figures to read.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/credit_repair_bench_queue"
TARGET_P95_MS = 50.0


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.path.lstrip("/")}"')


def drop_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def fill(url: str, cases: int) -> None:
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    python = sys.executable
    for argv in (
        [python, str(ROOT / "manage.py"), "migrate", "-v0"],
        [python, str(ROOT / "manage.py"), "seed_demo"],
        [python, str(ROOT / "bench" / "load" / "generate.py")],
    ):
        subprocess.run(argv, env=env | {"LOAD_CASES": str(cases)}, check=True, stdout=subprocess.DEVNULL)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def measure(client, url: str, repeat: int) -> tuple[float, float, float, int, int]:
    """(p50 ms, p95 ms, mean CPU ms of this process, queries of the last request, status) over `repeat` requests
    after one warm-up. The CPU time is the Python side's alone (the database runs in its own processes): on a
    shared machine the wall time also holds the time spent waiting for a core."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    samples, cpu = [], 0.0
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu += (time.process_time() - cpu_started) * 1000
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    per_request = ("django_session", "sla_calendarstate", "SAVEPOINT")
    queries = len([q for q in ctx.captured_queries if not any(word in q["sql"] for word in per_request)])
    return statistics.median(samples), p95(samples), cpu / repeat, queries, response.status_code


def plan_shape(sql: str, params) -> tuple[str, list[str]]:
    """How PostgreSQL reads viewflow_task for the list (EXPLAIN ANALYZE): by index or sequentially, and whether the
    page is sorted after the scan (every matching row read) or read in index order with LIMIT."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    task_scans = [line.strip().removeprefix("->").strip() for line in lines if " on viewflow_task " in line]
    main = next((scan for scan in task_scans if "casework_task_open" in scan or "Seq Scan" in scan), task_scans[0])
    access = "seq scan" if main.startswith(("Seq Scan", "Parallel Seq Scan")) else "index scan"
    index = main.split(" using ")[1].split(" ")[0] if " using " in main else ""
    sorted_after = lines[0].startswith("Sort") or (len(lines) > 1 and lines[1].strip().startswith("->  Sort"))
    order = "sorted after the scan" if sorted_after else "read in index order"
    return f"{access} {index}, {order}".replace("  ", " "), lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=48600, help="cases to generate (about 20.6 tasks each)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (already generated)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--plans", action="store_true", help="print the whole EXPLAIN of each list query")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if urlparse(url).scheme not in {"postgres", "postgresql"}:
        url = DEFAULT_URL
    began = time.perf_counter()
    if not args.reuse:
        recreate_database(url)
        fill(url, args.cases)
    generated = time.perf_counter() - began

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    settings.ROOT_URLCONF = "queue_baseline_urls"
    settings.ALLOWED_HOSTS = ["*"]

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from apps.accounts.models import User
    from apps.casework.inputs import queue_query
    from apps.casework.selectors import queue_tasks

    setup_test_environment()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status IN ('NEW', 'ASSIGNED')) FROM viewflow_task")
        total, open_ = cursor.fetchone()
    officer = User.objects.get(username="officer1")
    client = Client()
    client.force_login(officer)
    available = queue_tasks(user=officer, queue="available")
    print(
        f"{total} tasks ({open_} open), officer1's available queue: {available.count()} tasks"
        + ("" if args.reuse else f"; generated in {generated:.0f} s")
    )

    api = "/api/v1/tasks?queue=available"
    ours = [
        ("API page 1", f"{api}"),
        ("API page 3", f"{api}&page=3"),
        ("API page 1, sort=due", f"{api}&sort=due"),
        ("API page 2, sort=-due", f"{api}&sort=-due&page=2"),
        ("API page 1, sort=step", f"{api}&sort=step"),
        ("API overdue, sort=due", f"{api}&overdue=true&sort=due"),
        ("API search q=LD-O12 (a reference)", f"{api}&q=LD-O12"),
        ("API search q=负载测试企业12 (a name)", f"{api}&q=负载测试企业12"),
        ("API queue=mine", "/api/v1/tasks?queue=mine"),
        ("page objection queue 1", "/workflow/objection/queue/"),
        ("page objection queue 3", "/workflow/objection/queue/?page=3"),
        ("page objection queue, sort=due", "/workflow/objection/queue/?sort=due"),
        ("page objection queue, overdue", "/workflow/objection/queue/?overdue=on&sort=-due"),
        ("page objection queue, q=LD-O12", "/workflow/objection/queue/?q=LD-O12"),
        ("page repair queue 1", "/workflow/repair/queue/"),
        ("page objection inbox", "/workflow/objection/inbox/"),
    ]
    baseline = [
        ("Viewflow objection queue 1", "/baseline/objection/queue/"),
        ("Viewflow objection queue 3", "/baseline/objection/queue/?page=3"),
        ("Viewflow repair queue 1", "/baseline/repair/queue/"),
        ("Viewflow objection inbox", "/baseline/objection/inbox/"),
    ]

    print(f"\nload average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"\n{'':40}{'p50 ms':>9}{'p95 ms':>9}{'CPU ms':>9}{'queries':>9}{'status':>8}")
    ours_p95, ours_cpu, queries_of = [], [], {}
    for label, target in ours:
        p50, p95_ms, cpu_ms, queries, status = measure(client, target, args.repeat)
        ours_p95.append(p95_ms)
        ours_cpu.append(cpu_ms)
        queries_of[label] = queries
        print(f"{label:40}{p50:9.1f}{p95_ms:9.1f}{cpu_ms:9.1f}{queries:9d}{status:8d}")
    print("-- baseline: Viewflow's built-in queue page (FlowAppViewset, unscoped), same data")
    base_p95 = []
    for label, target in baseline:
        p50, p95_ms, cpu_ms, queries, status = measure(client, target, args.repeat)
        base_p95.append(p95_ms)
        print(f"{label:40}{p50:9.1f}{p95_ms:9.1f}{cpu_ms:9.1f}{queries:9d}{status:8d}")

    print("\nplan of the list's filter query (officer1's available queue: the ids TaskPaginator reads once a page):")
    for label, query in (
        ("sort=created", {}),
        ("sort=due", {"sort": "due"}),
        ("q=LD-O12", {"q": "LD-O12"}),
    ):
        qs = queue_tasks(user=officer, queue="available", query=queue_query(query)).values_list("pk", flat=True)
        sql, params = qs.query.sql_with_params()
        verdict, lines = plan_shape(sql, params)
        print(f"  {label:14} {verdict}; top: {lines[0].strip()[:110]}")
        if args.plans:
            print("\n".join("      " + line for line in lines))

    worst, worst_cpu = max(ours_p95), max(ours_cpu)
    # The same list on another page costs the same queries (a page of one more case type costs one more: its cases
    # are loaded with one query per type, whatever the number of rows).
    pairs = [("API page 1", "API page 3"), ("page objection queue 1", "page objection queue 3")]
    same_queries = all(queries_of[a] == queries_of[b] for a, b in pairs)
    print(
        f"\nworst p95: ours {worst:.1f} ms, Viewflow's page {max(base_p95):.1f} ms; same queries on page 1 and 3: "
        + ", ".join(f"{a.split(' page')[0] or a}: {queries_of[a]}/{queries_of[b]}" for a, b in pairs)
    )
    load = os.getloadavg()[0]
    print(f"machine load average during the run: {load:.1f} on {os.cpu_count()} cores")
    print(f"worst CPU time per request (this process, the database apart): ours {worst_cpu:.1f} ms")
    verdict = "met" if worst <= TARGET_P95_MS and same_queries else "NOT met"
    print(f"target: p95 <= {TARGET_P95_MS:.0f} ms and the same queries on every page, {total} tasks: {verdict}")
    connection.close()
    if not args.keep and not args.reuse:
        drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
