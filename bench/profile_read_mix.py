"""Profile of the read mix in one process: where a request's CPU goes (cProfile), endpoint by endpoint.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_repair_load .venv/bin/python bench/profile_read_mix.py \
        [--rounds 20] [--top 25] [--only /api/v1/repairs]

Against a database filled by bench/load/generate.py (`make loadtest` leaves one behind; nothing is written). The
requests of bench/load/locustfile.py's read mix (minus the task queue, bench_queue.py's) go through Django's test
client with the scenario's token authentication, DEBUG off. Prints, per endpoint, the mean milliseconds and queries
per request, then the functions with the most cumulative and own time over the whole run. Not a test: figures to read.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READS = [
    ("loadapp1", "/api/v1/repairs", "/api/v1/repairs/{id}"),
    ("loadapp1", "/api/v1/objections", "/api/v1/objections/{id}"),
    ("officer1", "/api/v1/repairs", "/api/v1/repairs/{id}"),
    ("monitor1", "/api/v1/notices", None),
    ("monitor1", "/api/v1/stats/monthly?month={month}", None),
    ("monitor1", "/api/v1/calendar/deadline?start=2026-09-30&working_days=5", None),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", default="", help="profile only the lists whose path starts with this")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("profile_read_mix needs DATABASE_URL=postgres://... (a database filled by bench/load/generate.py)")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from apps.accounts.models import User
    from apps.core import clock

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    month = clock.today().strftime("%Y-%m")
    clients = {}
    for username in {who for who, _, _ in READS}:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        clients[username] = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    reads = [r for r in READS if r[1].startswith(args.only)]
    timings: dict[str, list[float]] = {}
    queries: dict[str, int] = {}

    def one(username: str, path: str, detail: str | None) -> None:
        client = clients[username]
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path.format(month=month))
        key = f"{username} {path.split('?')[0]}"
        timings.setdefault(key, []).append((time.perf_counter() - started) * 1000)
        queries[key] = len(captured.captured_queries)
        assert response.status_code == 200, (path, response.status_code)
        rows = response.json().get("results") if detail else None
        if rows:
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                client.get(detail.format(id=rows[len(timings[key]) % len(rows)]["id"]))
            key = f"{username} {detail}"
            timings.setdefault(key, []).append((time.perf_counter() - started) * 1000)
            queries[key] = len(captured.captured_queries)

    for read in reads:  # warm the per-process caches, as a running server has them
        one(*read)
    timings.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.rounds):
        for read in reads:
            one(*read)
    profiler.disable()
    print(f"{'endpoint':52} {'ms':>7} {'queries':>7}")
    for key, values in timings.items():
        print(f"{key:52} {sum(values) / len(values):7.1f} {queries[key]:>7}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
