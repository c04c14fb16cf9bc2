"""The load scenario (`make loadtest`): a generated volume in PostgreSQL, gunicorn with production settings (DEBUG
off), Redis, one Celery worker, all on 127.0.0.1; locust headless for a ceiling, the read mix and the write mix.

Environment (defaults in brackets):
  LOAD_SECONDS [300]       length of the read phase; the ceiling and write phases take a fifth of it each (>= 10 s)
  LOAD_CASES [100000]      generated cases (bench/load/generate.py; about 20 viewflow tasks per case)
  LOAD_DB [credit_repair_load]  PostgreSQL database, recreated unless LOAD_REUSE=1 and it already holds the volume
  LOAD_REUSE [0]           keep an existing generated database
  LOAD_USERS [40]          concurrent read clients; LOAD_WRITERS [8] concurrent write clients
  LOAD_WORKERS [4]         gunicorn sync workers; LOAD_PORT [8411]
  LOAD_REDIS [redis://127.0.0.1:6379]  with LOAD_CACHE_DB [1] and LOAD_BROKER_DB [2]
The last line: `load: <N> req/s, p95 <M> ms, errors <E>; writes: <W>/s at <clients> clients, p95 <P> ms`.
"""

import csv
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

BASE = Path(__file__).resolve().parents[2]
PY = sys.executable
BIN = Path(PY).parent
SECONDS = int(os.environ.get("LOAD_SECONDS", "300"))
CASES = os.environ.get("LOAD_CASES", "100000")
DB = os.environ.get("LOAD_DB", "credit_repair_load")
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379")
PORT = int(os.environ.get("LOAD_PORT", "8411"))
USERS = int(os.environ.get("LOAD_USERS", "40"))
WRITERS = int(os.environ.get("LOAD_WRITERS", "8"))
WORKERS = os.environ.get("LOAD_WORKERS", "4")


def environment() -> dict[str, str]:
    key_file = BASE / "var" / "load" / "audit.key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "AUDIT_KEY": key_file.read_text().strip(),
        "CACHE_URL": f"{REDIS}/{os.environ.get('LOAD_CACHE_DB', '1')}",
        "CELERY_BROKER_URL": f"{REDIS}/{os.environ.get('LOAD_BROKER_DB', '2')}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOGIN_FAILURE_LIMIT": "100000",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(BASE / "var" / "load"),
    }


def sh(args: list[str], env: dict[str, str], **kwargs) -> None:
    subprocess.run(args, env=env, check=True, cwd=BASE, **kwargs)


def psql(sql: str) -> str:
    out = subprocess.run(["psql", f"{PG}/postgres", "-Atc", sql], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def prepare(env: dict[str, str]) -> None:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'") == "1"
    if exists and os.environ.get("LOAD_REUSE") == "1":
        has = subprocess.run(
            ["psql", env["DATABASE_URL"], "-Atc", "SELECT count(*) FROM accounts_user WHERE username = 'loadapp1'"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if has == "1" and (BASE / "var/load/plan.json").exists():
            print(f"reusing database {DB}", flush=True)
            return
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    seed = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEMO_MODE": "1", "CELERY_BROKER_URL": ""}
    seed.pop("CELERY_BROKER_URL")
    quiet = {"stdout": subprocess.DEVNULL}
    sh([PY, "manage.py", "migrate", "--noinput"], seed, **quiet)
    sh([PY, "manage.py", "seed_demo"], seed, **quiet, stderr=subprocess.DEVNULL)
    sh([PY, "bench/load/generate.py"], {**seed, "LOAD_CASES": CASES})


TOKENS_CODE = """
import json, pathlib
from apps.accounts.models import User
from apps.accounts.services import token_issue
plan = json.loads(pathlib.Path("var/load/plan.json").read_text())
names = [*plan.get("applicants", {}), "officer1", "officer2", "officer3", "reviewer1", "reviewer2", "monitor1"]
tokens = {user.username: token_issue(user=user).key for user in User.objects.filter(username__in=names)}
pathlib.Path("var/load/tokens.json").write_text(json.dumps(tokens))
"""


def issue_tokens(env: dict[str, str]) -> None:
    """API tokens for every scenario user, issued before the clock starts (var/load/tokens.json): a real client logs
    in once and keeps its token for hours, while a password check costs a second of CPU (PBKDF2), so logging 40
    clients in during a phase would measure the password hasher instead of the reads."""
    sh([PY, "manage.py", "shell", "-c", TOKENS_CODE], env, stdout=subprocess.DEVNULL)


def cpu_groups() -> dict[str, float]:
    """CPU seconds so far per process group (children included)."""
    groups = {"gunicorn": 0.0, "celery": 0.0, "postgres": 0.0, "redis": 0.0}
    for proc in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        name = proc.info["name"] or ""
        times = proc.info["cpu_times"]
        if times is None:
            continue
        group = (
            "gunicorn"
            if "gunicorn" in cmd
            else "celery"
            if "celery" in cmd and "worker" in cmd
            else "postgres"
            if name.startswith("postgres")
            else "redis"
            if name.startswith("redis")
            else None
        )
        if group:
            groups[group] += times.user + times.system
    return groups


def locust(env: dict[str, str], mix: str, users: int, seconds: int, out: Path) -> tuple[list[dict], dict[str, float]]:
    prefix = out / mix
    before, started = cpu_groups(), time.monotonic()
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            "bench/load/locustfile.py",
            "--headless",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "-u",
            str(users),
            "-r",
            str(max(users // 2, 1)),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**env, "LOAD_MIX": mix},
        cwd=BASE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    elapsed = time.monotonic() - started
    after = cpu_groups()
    cores = {group: (after[group] - before[group]) / elapsed for group in after}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows, cores


def report(title: str, rows: list[dict], cores: dict[str, float]) -> dict:
    print(f"\n== {title}")
    print(f"{'endpoint':58} {'reqs':>7} {'err':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")
    total = None
    for row in rows:
        name = f"{row['Type']} {row['Name']}".strip()
        line = (
            f"{name[:58]:58} {row['Request Count']:>7} {row['Failure Count']:>5} {row['50%']:>6} {row['95%']:>6} "
            f"{row['99%']:>6} {float(row['Requests/s']):>7.1f}"
        )
        if row["Name"] == "Aggregated":
            total = row
        print(line)
    print("CPU (cores): " + ", ".join(f"{group} {value:.2f}" for group, value in cores.items()))
    return total or {"Requests/s": "0", "95%": "0", "Failure Count": "0"}


def main() -> None:
    env = environment()
    prepare(env)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    sh([PY, "manage.py", "collectstatic", "--noinput"], env, stdout=subprocess.DEVNULL)
    issue_tokens(env)
    subprocess.run(["redis-cli", "-u", env["CACHE_URL"], "FLUSHDB"], stdout=subprocess.DEVNULL)
    procs = [
        subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-w", WORKERS, "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
            env=env,
            cwd=BASE,
            start_new_session=True,
        ),
        subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "-c", "1", "--loglevel", "WARNING"],
            env=env,
            cwd=BASE,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        ),
    ]
    try:
        import urllib.request

        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(1)
        short = max(SECONDS // 5, 10)
        out = Path(tempfile.mkdtemp(prefix="loadtest-"))
        ceiling = report("ceiling: trivial authenticated endpoint", *locust(env, "ceiling", USERS, short, out))
        reads = report(f"read mix, {USERS} clients, {SECONDS} s", *locust(env, "read", USERS, SECONDS, out))
        write_rows, write_cores = locust(env, "write", WRITERS, short, out)
        writes = report(f"write mix, {WRITERS} clients, {short} s", write_rows, write_cores)
        write_rate = sum(float(row["Requests/s"]) for row in write_rows if row["Type"] == "POST")
        print(f"\nceiling: {float(ceiling['Requests/s']):.0f} req/s, p95 {ceiling['95%']} ms")
        print(
            f"load: {float(reads['Requests/s']):.0f} req/s, p95 {reads['95%']} ms, errors {reads['Failure Count']}; "
            f"writes: {write_rate:.0f}/s at {WRITERS} clients, p95 {writes['95%']} ms"
        )
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
