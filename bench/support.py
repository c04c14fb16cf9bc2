"""What the PostgreSQL benchmarks share: a throwaway database made, migrated and dropped, Django set up on it, the
figures of repeated timings, and open deadlines inserted set-based (INSERT ... SELECT generate_series)."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/credit_repair_bench"


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def postgres_url(name: str) -> str | None:
    """DATABASE_URL (or the default), None when it is not PostgreSQL (the caller says so and exits)."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if urlparse(url).scheme not in {"postgres", "postgresql"}:
        print(f"{name} needs PostgreSQL (DATABASE_URL=postgres://...)")
        return None
    return url


def fresh_django(url: str, *, settings: str = "config.settings.test", migrate: bool = True) -> None:
    """Recreate the database at `url`, point Django at it, set Django up and migrate."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    print(f"recreating {urlparse(url).path.lstrip('/')} and migrating ...", flush=True)
    recreate_database(url)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def timed(func: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Seconds of each of `runs` calls of func, and the last result."""
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def median_p95(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def explain(sql: str, params: list[Any] | tuple[Any, ...] = (), *, analyze: bool = True) -> list[str]:
    """The plan lines of EXPLAIN (ANALYZE, costs off) of `sql`."""
    from django.db import connection

    options = "ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF" if analyze else "COSTS OFF"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def insert_deadlines(
    *,
    rows: int = 0,
    first: int = 1,
    source: str = "",
    owner_type: str,
    owner_id: str = "g",
    purpose: str = "'bench'",
    due_date: str,
    status: str = "'open'",
    closed_at: str = "NULL",
    closed_on_time: str = "NULL",
    updated_at: str = "now()",
) -> int:
    """Insert deadlines set-based, the columns given as SQL expressions: over g = first .. first + rows - 1 (a
        generate_series), or over the rows of `source` (a FROM item, e.g. `repairs_repaircase c`). The clock started 20
        working days (28 calendar days) before the due date; the windows are not recomputed against the calendar (the
        benchmarks read due dates and states, they do not move them). `updated_at` defaults to now() (give a closed
    deadline its closing moment: it is never written again after it closes). Returns the number of rows inserted."""
    from django.db import connection

    source = source or f"generate_series({int(first)}, {int(first) + int(rows) - 1}) g"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO sla_deadline (created_at, updated_at, owner_type, owner_id, purpose, started_at, counts_from,
                received_on, working_days, extended_working_days, paused_working_days, due_date, provisional, status,
                closed_at, closed_on_time)
            SELECT now(), ua, ot, oid, pu, ((d - 28) + time '10:00') AT TIME ZONE 'Asia/Shanghai', d - 28, d - 27,
                20, 0, 0, d, false, st, ca, cot
            FROM (SELECT ({owner_type})::varchar AS ot, ({owner_id})::bigint AS oid, ({purpose})::varchar AS pu,
                    ({due_date})::date AS d, ({status})::varchar AS st, ({closed_at})::timestamptz AS ca,
                    ({closed_on_time})::boolean AS cot, ({updated_at})::timestamptz AS ua
                  FROM {source}) s
            """
        )
        return cursor.rowcount
