"""Benchmark: objection filings per second on PostgreSQL, 1 and 8 concurrent clients, the record lock as it is
(`of=("self",)`: the record's own row) beside the old wide lock (the joined subject and department rows too), side by
side in one run; and where the sessions wait (issue 15).

    .venv/bin/python bench/bench_filings.py [--filings 160] [--clients 1,8] [--subjects-per-department 0] [--keep]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/credit_repair_bench_filings: dropped, created and
migrated (a throwaway). Each run files `--filings` objections, each by a different subject (its own applicant
account) on its own record, all records of one department (the department row is what the wide lock shared;
`--departments N` spreads them). Clients are processes (multiprocessing, fork), each with its own database
connection, started together behind a barrier, calling the service `objections.services.objection_file` (what
POST /api/v1/objections calls after its input serializer). Background work is queued to an in-memory broker and
not run: this measures the request's own transaction.

While a run goes, a separate connection samples pg_stat_activity every 20 ms: the lock-wait share is the share of
active sessions of the database waiting on a lock (wait_event_type = 'Lock'); each waiting session is attributed to
the table its statement locks (the audit chain head `core_audithead`, the record `subjects_negativerecord`, ...).
Not a test: figures to read.
"""

import argparse
import multiprocessing
import os
import re
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from support import drop_database, fresh_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/credit_repair_bench_filings"
LOCKED_TABLE = re.compile(r'FROM "(\w+)"')
# A session waiting for a row holds or waits for a tuple lock on the row's table: that names the table even when
# pg_stat_activity cuts the statement short (track_activity_query_size) before its FROM.
WAITS = """
SELECT a.wait_event_type,
       (SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         WHERE l.pid = a.pid AND l.locktype = 'tuple' LIMIT 1),
       a.query
  FROM pg_stat_activity a
 WHERE a.datname = current_database() AND a.state = 'active' AND a.pid <> pg_backend_pid()
"""


def wide_record_lock(record_id: int):
    """The record lock before issue 15: select_for_update() with select_related and no `of`, which on PostgreSQL
    also locks the joined department and subject rows."""
    from apps.subjects.models import NegativeRecord

    return NegativeRecord.objects.select_for_update().select_related("department", "subject").get(pk=record_id)


def make_world(count: int, departments: int) -> list[tuple[int, int, int]]:
    """`count` (user, subject, record) triples: every subject its own applicant and one published record."""
    from apps.accounts.models import Department, Role
    from apps.accounts.services import department_create, user_create
    from apps.subjects.models import RecordKind, Severity
    from apps.subjects.services import record_create, subject_create, subject_representative_add
    from apps.subjects.uscc import make_uscc

    depts = [
        Department.objects.filter(code=f"BENCH-{n}").first()
        or department_create(
            code=f"BENCH-{n}", name=f"宜昌市测试局{n}", region_code="420500", sector=Department.Sector.MARKET_REGULATION
        )
        for n in range(departments)
    ]
    start = Department.objects.count() * 100000 + int(time.time()) % 100000
    triples = []
    for i in range(count):
        n = start + i
        user = user_create(username=f"bench{n}", password="bench-pass-2026", role=Role.APPLICANT)
        subject = subject_create(
            uscc=make_uscc("9", "1", "420502", f"B{n % 10**7:07d}"),
            name=f"宜昌压测企业{n}有限公司",
            region_code="420502",
        )
        subject_representative_add(subject=subject, user=user)
        record = record_create(
            subject=subject,
            kind=RecordKind.ADMINISTRATIVE_PENALTY,
            severity=Severity.GENERAL,
            department=depts[i % departments],
            decision_no=f"宜测罚〔2026〕{n}号",
            decision_date=date(2025, 6, 2),
        )
        triples.append((user.pk, subject.pk, record.pk))
    return triples


def client(work: list[tuple[int, int, int]], wide: bool, barrier, results) -> None:
    """One client process: its own connection, files its share behind the barrier, reports its count and errors."""
    from django.db import connections

    connections.close_all()  # never share the parent's connection
    from apps.accounts.models import User
    from apps.objections import services
    from apps.objections.models import Ground
    from apps.subjects.models import NegativeRecord, Subject

    if wide:
        services.filing_record_lock = wide_record_lock
    loaded = [(User.objects.get(pk=u), Subject.objects.get(pk=s), NegativeRecord.objects.get(pk=r)) for u, s, r in work]
    barrier.wait()
    done, errors = 0, 0
    for user, subject, record in loaded:
        try:
            services.objection_file(
                record=record,
                subject=subject,
                ground=Ground.ERROR,
                statement="处罚决定书所载金额与实际不符。",
                acting_user=user,
                commitment_signer_name="张三",
            )
            done += 1
        except Exception as exc:  # noqa: BLE001  (counted and shown: a benchmark reports, it does not stop)
            errors += 1
            print(f"  filing failed: {exc!r}", flush=True)
    connections.close_all()
    results.put((done, errors))


class Sampler(threading.Thread):
    """pg_stat_activity every `interval` seconds on its own connection."""

    def __init__(self, url: str, interval: float = 0.02):
        super().__init__(daemon=True)
        self.url, self.interval = url, interval
        self.active = 0
        self.waiting: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(WAITS).fetchall()
                for wait_type, table, query in rows:
                    self.active += 1
                    if wait_type == "Lock":
                        found = LOCKED_TABLE.search(query or "")
                        self.waiting[table or (found.group(1) if found else "?")] += 1
                time.sleep(self.interval)

    @property
    def share(self) -> float:
        return sum(self.waiting.values()) / self.active if self.active else 0.0


def measure(url: str, work: list[tuple[int, int, int]], clients: int, wide: bool) -> dict:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(clients + 1), context.Queue()
    shares = [work[i::clients] for i in range(clients)]
    processes = [context.Process(target=client, args=(share, wide, barrier, results)) for share in shares]
    for process in processes:
        process.start()
    sampler = Sampler(url)
    barrier.wait()
    started = time.perf_counter()
    sampler.start()
    outcomes = [results.get(timeout=3600) for _ in processes]
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    for process in processes:
        process.join()
    done = sum(d for d, _e in outcomes)
    return {
        "lock": "wide (old)" if wide else "of=self",
        "clients": clients,
        "done": done,
        "errors": sum(e for _d, e in outcomes),
        "seconds": seconds,
        "rate": done / seconds,
        "share": sampler.share,
        "waiting": sampler.waiting,
        "active": sampler.active,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=160, help="filings per run")
    parser.add_argument("--clients", default="1,8", help="client counts to measure, comma-separated")
    parser.add_argument("--departments", type=int, default=1, help="departments the records belong to")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")  # queued to memory://, not run: the filing itself
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    fresh_django(url, settings="config.settings.test")
    client_counts = [int(n) for n in args.clients.split(",")]
    runs = [(clients, wide) for clients in client_counts for wide in (False, True)]
    print(f"making {args.filings * len(runs)} subjects, applicants and records ...", flush=True)
    world = make_world(args.filings * len(runs), args.departments)
    rows = []
    for n, (clients, wide) in enumerate(runs):
        work = world[n * args.filings : (n + 1) * args.filings]
        row = measure(url, work, clients, wide)
        rows.append(row)
        top = ", ".join(f"{table} {count / row['active']:.0%}" for table, count in row["waiting"].most_common(3))
        print(
            f"{row['lock']:>10} lock, {clients} client(s): {row['done']} filings in {row['seconds']:.1f} s = "
            f"{row['rate']:.1f} filings/s, errors {row['errors']}, lock-wait share {row['share']:.0%}"
            f"{' (' + top + ')' if top else ''}",
            flush=True,
        )
    print()
    print(f"{'lock':>10} {'clients':>7} {'filings/s':>10} {'lock wait':>10}  waits by table")
    for row in rows:
        tables = ", ".join(f"{table} {count / row['active']:.0%}" for table, count in row["waiting"].most_common())
        print(f"{row['lock']:>10} {row['clients']:>7} {row['rate']:>10.1f} {row['share']:>10.0%}  {tables or '-'}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop_database(url)


if __name__ == "__main__":
    main()
