"""PostgreSQL restarts under a live server (issue 15): a private cluster (never the shared server), gunicorn on it
with persistent connections (CONN_MAX_AGE) and filings arriving all the time.

- after `pg_ctl restart` the next requests succeed: the broken persistent connections are replaced (health checks);
- while the database is down every request answers 503 with Retry-After and a Chinese body (JSON under /api/, the
  503 page otherwise), never a 500;
- once it is back the same workers serve again, with no restart of the application;
- every filing answered 201 exists, and `check_consistency` finds no half-written case.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from apps.accounts.services import token_issue
from apps.subjects.services import subject_representative_add
from tests.subjects.factories import a_record, a_subject
from tests.support.private_postgres import Cluster, free_port, private_postgres
from tests.support.services import ensure_server

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "blink"
BODY = {
    "ground": "error",
    "statement": "罚款金额登记错误，应为5000元。",
    "commitment_accepted": True,
    "commitment_signer_name": "张敏",
}


def _request(base: str, path: str, *, token: str = "", cookie: str = "", body: dict | None = None):
    headers = {"Accept-Language": "zh-hans"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if cookie:
        headers["Cookie"] = cookie
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, headers=headers)  # noqa: S310  (our own test server)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _serving(base: str, wait: float = 600) -> bool:
    """Has the server loaded the application and answered /healthz? (A loaded machine takes a while.)"""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if _request(base, "/healthz")[0] == 200:
                return True
        except OSError:
            time.sleep(1)
    return False


def _copy_test_database(cluster: Cluster) -> None:
    """The test database (migrated, with this test's committed rows) into the private cluster."""
    db = connection.settings_dict
    cluster.psql("postgres", f'CREATE DATABASE "{DATABASE}"')
    dump = subprocess.run(
        ["pg_dump", "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], "--no-owner", db["NAME"]],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    cluster.psql(DATABASE, dump)


def _gunicorn(cluster: Cluster, port: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": cluster.url(DATABASE),
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_DEBUG": "0",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2", "--timeout", "120", "--preload"]
        + ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


class Filings(threading.Thread):
    """Files one objection a moment, each on its own record, until stopped; keeps every answer."""

    def __init__(self, base: str, token: str, record_ids: list[int]):
        super().__init__(daemon=True)
        self.base, self.token, self.record_ids = base, token, list(record_ids)
        self.answers: list[tuple[int, int, dict]] = []  # (record, status, body)
        self.halt = threading.Event()

    def run(self) -> None:
        while self.record_ids and not self.halt.is_set():
            record_id = self.record_ids.pop(0)
            status, headers, text = _request(
                self.base, "/api/v1/objections", token=self.token, body={"record": record_id, **BODY}
            )
            body = json.loads(text) if headers.get("Content-Type", "").startswith("application/json") else {}
            self.answers.append((record_id, status, body))
            time.sleep(0.25)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_restart_is_a_clean_503_and_the_application_recovers(users, departments, tmp_path):
    ensure_server("postgresql")
    subject = a_subject()
    subject_representative_add(subject=subject, user=users["applicant"])
    records = [a_record(subject, departments["market"], decided=date(2025, 6, 2)) for _ in range(60)]
    token = token_issue(user=users["applicant"]).key
    browser = Client()
    browser.force_login(users["applicant"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"

    with private_postgres() as cluster:
        _copy_test_database(cluster)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = _gunicorn(cluster, port, tmp_path / "gunicorn.log")
        try:
            assert _serving(base), (tmp_path / "gunicorn.log").read_text()
            status, _headers, text = _request(
                base, "/api/v1/objections", token=token, body={"record": records[0].pk, **BODY}
            )
            assert status == 201, text
            assert _request(base, "/portal/objections/", cookie=cookie)[0] == 200

            # 1. A restart between requests: the persistent connections are broken, the next request is served.
            cluster.pg_ctl("restart", "-m", "fast")
            for _ in range(4):  # both workers
                assert _request(base, "/api/v1/objections", token=token)[0] == 200
                assert _request(base, "/portal/objections/", cookie=cookie)[0] == 200

            # 2. Down under load: every answer is a 503 with a retry hint, never a 500.
            filings = Filings(base, token, [record.pk for record in records[1:]])
            filings.start()
            time.sleep(2)
            cluster.stop()
            down = [
                _request(base, "/api/v1/objections", token=token),
                _request(base, "/api/v1/objections", token=token, body={"record": records[-1].pk, **BODY}),
                _request(base, "/portal/objections/", cookie=cookie),
                _request(base, "/healthz"),
            ]
            time.sleep(3)
            cluster.start()
            time.sleep(3)
            filings.halt.set()
            filings.join(timeout=120)

            for status, headers, text in down:
                assert status == 503, text
                assert int(headers["Retry-After"]) > 0
                assert "Traceback" not in text and "OperationalError" not in text
            api_body = json.loads(down[0][2])
            assert api_body["error"] == "database_unavailable" and "数据库暂时无法连接" in api_body["detail"]
            assert "服务暂时不可用（503）" in down[2][2]
            statuses = [status for _record, status, _body in filings.answers]
            assert set(statuses) <= {201, 503}, filings.answers
            assert 503 in statuses and statuses[-1] == 201, statuses

            # 3. Back: the same server serves again, without a restart of its own.
            assert _request(base, "/api/v1/objections", token=token)[0] == 200
            assert _request(base, "/portal/objections/", cookie=cookie)[0] == 200
            assert _request(base, "/healthz")[0] == 200
            assert server.poll() is None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        assert "Internal Server Error" not in (tmp_path / "gunicorn.log").read_text()

        # 4. Nothing half-written: every 201 is a case, and the consistency check passes.
        filed = {record for record, status, _body in filings.answers if status == 201} | {records[0].pk}
        stored = cluster.psql(DATABASE, "SELECT record_id FROM objections_objection ORDER BY record_id")
        stored_ids = {int(line) for line in stored.split() if line.strip().isdigit()}
        assert filed <= stored_ids
        check = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "check_consistency"],
            env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": cluster.url(DATABASE)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "数据一致" in check.stdout
