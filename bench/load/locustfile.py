"""The load scenario's users (run by bench/load/run.py; `locust -f bench/load/locustfile.py` on its own works too).

Read mix: applicants read their lists and cases, officers their queues and cases, a monitor the monthly figures and
notices, anyone the calendar. Write mix: objection filings by many different applicants (each on its own fresh
records from var/load/plan.json), 补正 answers where a case waits for one, task claims/releases/completions by
officers, decision imports by a registrar. Ceiling: a trivial authenticated endpoint. LOAD_MIX=read|write|ceiling
picks the user classes.
"""

import itertools
import json
import os
import random
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

BASE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE))

from apps.subjects.uscc import make_uscc  # noqa: E402  (pure function: no Django set-up needed)

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-pass-2026")
PLAN = json.loads((BASE / "var" / "load" / "plan.json").read_text()) if (BASE / "var/load/plan.json").exists() else {}
MIX = os.environ.get("LOAD_MIX", "read")
SHANGHAI = ZoneInfo("Asia/Shanghai")
_lock = threading.Lock()
_applicants = itertools.cycle(sorted(PLAN.get("applicants", {"applicant1": []})))
_serial = itertools.count(random.randrange(10**5) * 1000)
# Tokens issued by bench/load/run.py before the phases (a password check is a second of CPU, not a read); a user
# missing from it logs in here.
_TOKENS = BASE / "var" / "load" / "tokens.json"
_tokens: dict[str, str] = json.loads(_TOKENS.read_text()) if _TOKENS.exists() else {}


def token_for(client, username: str) -> str:
    with _lock:
        if username in _tokens:
            return _tokens[username]
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}, name="auth/token")
    response.raise_for_status()
    with _lock:
        _tokens[username] = response.json()["token"]
        return _tokens[username]


class ApiUser(HttpUser):
    abstract = True
    wait_time = between(0, 0)
    username = "applicant1"

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {token_for(self.client, self.username)}"

    def get(self, path: str, name: str | None = None, **params):
        return self.client.get(path, params=params or None, name=name or path)

    def pick(self, path: str, name: str, detail: str) -> None:
        """A list, then one of its rows' detail (the reader opens a case)."""
        response = self.get(path, name=name)
        if response.ok:
            rows = response.json().get("results", [])
            if rows:
                self.get(detail.format(id=random.choice(rows)["id"]), name=detail.replace("{id}", "{id}"))


# --- read mix -------------------------------------------------------------------------------------------------------
class Applicant(ApiUser):
    weight = 5

    def on_start(self):
        with _lock:
            self.username = next(_applicants)
        super().on_start()

    @task(3)
    def objections(self):
        self.pick("/api/v1/objections", "/api/v1/objections", "/api/v1/objections/{id}")

    @task(3)
    def repairs(self):
        self.pick("/api/v1/repairs", "/api/v1/repairs", "/api/v1/repairs/{id}")


class Officer(ApiUser):
    weight = 4
    officers = itertools.cycle(["officer1", "officer2", "officer3", "reviewer1", "reviewer2"])

    def on_start(self):
        with _lock:
            self.username = next(self.officers)
        super().on_start()

    @task(4)
    def available(self):
        self.pick("/api/v1/tasks?queue=available", "/api/v1/tasks?queue=available", "/api/v1/tasks/{id}")

    @task(2)
    def mine(self):
        self.get("/api/v1/tasks?queue=mine")

    @task(2)
    def team(self):
        self.get("/api/v1/tasks?queue=team")

    @task(2)
    def repairs(self):
        self.pick("/api/v1/repairs", "/api/v1/repairs", "/api/v1/repairs/{id}")


class Monitor(ApiUser):
    weight = 1
    username = "monitor1"

    @task(2)
    def monthly(self):
        # The month so far (the month is required: without it the endpoint answers 400).
        self.get("/api/v1/stats/monthly", name="/api/v1/stats/monthly", month=datetime.now(SHANGHAI).strftime("%Y-%m"))

    @task(2)
    def notices(self):
        self.get("/api/v1/notices")

    @task(1)
    def calendar(self):
        self.get("/api/v1/calendar/deadline", name="/api/v1/calendar/deadline", start="2026-09-30", working_days=5)


# --- write mix ------------------------------------------------------------------------------------------------------
class Filer(ApiUser):
    """Files objections, each user as a different applicant on its own subjects' fresh records."""

    weight = 6

    def on_start(self):
        with _lock:
            self.username = next(_applicants)
        self.records = list(PLAN.get("applicants", {}).get(self.username, []))
        super().on_start()

    @task
    def file(self):
        if not self.records:
            with _lock:
                self.username = next(_applicants)
            self.records = list(PLAN.get("applicants", {}).get(self.username, []))
            super().on_start()
            if not self.records:
                return
        body = {
            "record": self.records.pop(),
            "ground": "error",
            "statement": "罚款金额登记错误。",
            "commitment_accepted": "true",
            "commitment_signer_name": "张敏",
        }
        with self.client.post(
            "/api/v1/objections", data=body, name="POST /api/v1/objections", catch_response=True
        ) as r:
            # Another run may have filed on this record already: 409 is the rule working, not a failure.
            if r.status_code == 409:
                r.success()


class Worker(ApiUser):
    """An officer claims a task from the available queue, completes it when the step takes a plain payload, else
    releases it (the write load of the task API)."""

    weight = 1
    officers = itertools.cycle(["officer1", "officer2", "officer3"])

    def on_start(self):
        with _lock:
            self.username = next(self.officers)
        super().on_start()

    @task
    def claim_and_release(self):
        rows = self.get("/api/v1/tasks?queue=available").json().get("results", [])
        if not rows:
            return
        row = random.choice(rows)
        with self.client.post(
            f"/api/v1/tasks/{row['id']}/claim", name="POST /api/v1/tasks/{id}/claim", catch_response=True
        ) as r:
            if r.status_code in (404, 409):  # taken by a colleague meanwhile
                r.success()
                return
        self.client.post(f"/api/v1/tasks/{row['id']}/release", name="POST /api/v1/tasks/{id}/release")


class Registrar(ApiUser):
    weight = 1
    username = "officer1"

    @task
    def import_decisions(self):
        rows = ["决定类别,决定文书号,决定日期,统一社会信用代码,当事人名称,失信程度,处罚种类,违法事实,处罚依据,罚没金额"]
        for _ in range(5):
            n = next(_serial)
            uscc = make_uscc("9", "1", "420500", f"MB{n % 10**6:06d}")
            rows.append(
                f"行政处罚,宜市监处罚〔负载〕{n}号,2026-05-10,{uscc},宜昌负载{n}号商贸有限公司,一般,警告；罚款,"
                f"第{n}号案件：销售不符合食品安全标准的食品。,《中华人民共和国食品安全法》第一百二十四条,5000"
            )
        files = {"file": ("decisions.csv", "\n".join(rows).encode(), "text/csv")}
        self.client.post("/api/v1/decisions/import", files=files, name="POST /api/v1/decisions/import")


# --- ceiling --------------------------------------------------------------------------------------------------------
class Ceiling(ApiUser):
    """The cheapest authenticated request: what the server stack costs before any application work."""

    username = "officer1"

    @task
    def trivial(self):
        # A code with a valid check character: a wrong one is a 400, which locust counts as an error.
        self.get(f"/api/v1/uscc/{CEILING_USCC}", name="ceiling /api/v1/uscc/{code}")


CEILING_USCC = make_uscc("9", "1", "420500", "MA000000")
_CLASSES = {"read": [Applicant, Officer, Monitor], "write": [Filer, Worker, Registrar], "ceiling": [Ceiling]}
for _name, _cls in list(globals().items()):
    if isinstance(_cls, type) and issubclass(_cls, HttpUser) and _cls not in _CLASSES.get(MIX, []):
        _cls.abstract = True
