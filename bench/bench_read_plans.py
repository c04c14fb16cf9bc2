"""EXPLAIN check of the read mix's lists at volume: no Seq Scan on a large table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_repair_load .venv/bin/python bench/bench_read_plans.py \
        [--min-rows 5000] [--analyze]

Runs against a database filled by bench/load/generate.py (`make loadtest` leaves one behind; it is not changed here).
For each list of the read mix (bench/load/locustfile.py: repairs and objections as an applicant and as an officer,
notices as the monitor, and the other case lists beside them), it sends the request through Django's test client as
the load scenario's users, captures every SELECT the request runs, and prints EXPLAIN (FORMAT JSON)'s plan shape of
each. A Seq Scan on a table of at least --min-rows rows fails the run (exit 1): every list must be an index range scan
whatever the planner's statistics say (the database as generated has not been analysed unless autovacuum got to it;
--analyze runs ANALYZE first to check the other state too). The task queue has its own benchmark (bench_queue.py).
Not a test: a check to run at volume.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The page count of a reader who sees everything (a monitor): counting every row reads every row whatever the
# indexes (an index-only scan at best, once VACUUM has set the visibility map); reported, not failed.
WHOLE_COUNT = re.compile(r'^SELECT COUNT\(\*\) AS "__count" FROM "\w+"$')

# (username, path): the read mix's lists and the lists beside them. The applicant is the generator's first one.
READS = [
    ("loadapp1", "/api/v1/repairs"),
    ("loadapp1", "/api/v1/objections"),
    ("officer1", "/api/v1/repairs"),
    ("officer1", "/api/v1/objections"),
    ("reviewer1", "/api/v1/repairs"),
    ("monitor1", "/api/v1/notices"),
    ("monitor1", "/api/v1/repairs"),
    ("monitor1", "/api/v1/objections"),
    ("monitor1", "/api/v1/decisions"),
    ("officer1", "/api/v1/decisions"),
    ("officer1", "/api/v1/credit-checks"),
    ("officer1", "/api/v1/notifications"),
]


def walk(node: dict, depth: int = 0):
    yield depth, node
    for child in node.get("Plans", []):
        yield from walk(child, depth + 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-rows", type=int, default=5000, help="a table this large must not be scanned whole")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE the database first")
    parser.add_argument("--verbose", action="store_true", help="print every plan node")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench_read_plans needs DATABASE_URL=postgres://... (a database filled by bench/load/generate.py)")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from apps.accounts.models import User

    settings.ALLOWED_HOSTS = ["*"]
    with connection.cursor() as cursor:
        if args.analyze:
            cursor.execute("ANALYZE")
        cursor.execute("SELECT relname, GREATEST(reltuples, 0)::bigint FROM pg_class WHERE relkind = 'r'")
        sizes = dict(cursor.fetchall())
    bad: list[str] = []
    whole: list[str] = []
    for username, path in READS:
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"{username}: no such user (generate the volume with bench/load/generate.py)")
            return 2
        client = APIClient()
        client.force_authenticate(user)
        client.get(path)  # warm the per-process caches: the plans are those of a running server
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        print(f"\n== {username} GET {path}: {response.status_code}, {len(captured.captured_queries)} queries")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            root = plan[0]["Plan"]
            scans = []
            for depth, node in walk(root):
                relation = node.get("Relation Name")
                if args.verbose:
                    print(f"   {'  ' * depth}{node['Node Type']} {relation or ''} {node.get('Index Name', '')}")
                if relation:
                    scans.append(f"{node['Node Type']}({relation})")
                if node["Node Type"] == "Seq Scan" and sizes.get(relation, 0) >= args.min_rows:
                    (whole if WHOLE_COUNT.match(sql.strip()) else bad).append(
                        f"{username} {path}: Seq Scan on {relation} ({sizes[relation]} rows): {sql[:160]}"
                    )
            print(f"   cost {root['Total Cost']:>10.0f}  {', '.join(scans)[:200]}")
    print()
    for line in whole:
        print("WHOLE COUNT", line)
    for line in bad:
        print("SEQ SCAN", line)
    print(f"read plans: {len(bad)} sequential scans of a large table ({len(whole)} counts of a whole table)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
