#!/usr/bin/env python
"""`make test`: the whole suite on the configured database, then the PostgreSQL-only tests on PostgreSQL.

- DATABASE_URL unset (SQLite, the embedded default): every test runs on SQLite except those marked `postgres`,
  which then run in a second pass against PostgreSQL on 127.0.0.1 (started if it is down). Without a server they
  are reported as skipped with the reason; under CI=true a missing server fails the run.
- DATABASE_URL=postgres://...: the whole suite runs on PostgreSQL (the server is started if it is down).
Extra arguments go to pytest.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.services import PORTS, START_COMMANDS, reachable  # noqa: E402

# PG_TEST_URL lets two checkouts on one machine run their PostgreSQL passes side by side (each its own database).
PG_URL = os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/credit_repair")
CI = os.environ.get("CI", "").lower() == "true"


def have_postgres() -> bool:
    if reachable(PORTS["postgresql"]):
        return True
    subprocess.run(START_COMMANDS["postgresql"], shell=True, check=False, capture_output=True, timeout=90)  # noqa: S602
    return reachable(PORTS["postgresql"], wait=20)


def pytest(args: list[str], env: dict[str, str]) -> int:
    cmd = [sys.executable, "-m", "pytest", *args]
    print("+", " ".join(cmd), f"(DATABASE_URL={env.get('DATABASE_URL', 'sqlite default')})", flush=True)
    return subprocess.call(cmd, cwd=ROOT, env=env)  # noqa: S603  our own interpreter and arguments


def main() -> int:
    args = sys.argv[1:]
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        if not have_postgres():
            print(f"PostgreSQL is not reachable at 127.0.0.1:5432 and could not be started (DATABASE_URL={url}).")
            return 1
        return pytest(args, env)

    code = pytest(args, env)
    if code not in (0,):
        return code
    if args and not any(a.startswith("-") for a in args):
        return code  # a named test selection: no second pass
    if not have_postgres():
        reason = "PostgreSQL is not reachable at 127.0.0.1:5432 and could not be started"
        if CI:
            print(f"FAIL: {reason} (CI=true: a missing server is a failure)")
            return 1
        print(f"SKIPPED the PostgreSQL-only tests (concurrency): {reason}. Install PostgreSQL to run them.")
        return 0
    env["DATABASE_URL"] = PG_URL
    code = pytest(["-m", "postgres", *args], env)
    return 0 if code == 5 else code  # 5: no test is marked postgres yet


if __name__ == "__main__":
    sys.exit(main())
