"""Load a realistic volume into PostgreSQL for the load scenario, fast: set-based INSERT ... SELECT over
generate_series, in batches, one transaction per batch.

Run after `migrate` and `seed_demo` (the demo world gives departments, roles, staff, rule rows and one case of each
shape). Each generated row is built column by column from the demo row of the same shape (a "shape" row: a closed
repair, an open repair at verification, a closed objection, ...): the generator sets every key, reference, subject,
date and status and keeps the shape's constant columns (rule texts, flags), so new columns added by a migration are
carried along without editing this file.

What it makes (LOAD_CASES = N, default 100,000):
- N/2 subjects (at least 100), each represented by one of LOAD_APPLICANTS applicant accounts (default 200,
  `loadapp1`.., the demo password), each with a negative record per case;
- 60% repair cases, 40% objections; LOAD_OPEN_SHARE (default 2%) of them open at a human step (queue work), the rest
  closed with their whole history of tasks (a closed repair has 26 viewflow tasks, a closed objection about 15:
  N = 100,000 gives about 2 million tasks, nearly all done);
- the department's object permissions (django-guardian) on every case, as the services grant them;
- LOAD_FILING_RECORDS fresh records per applicant (default 20) that nobody has objected to yet: the write mix files
  objections on them, each applicant on its own subjects' records;
- LOAD_CLOSED_HISTORY=0 leaves out the viewflow process and tasks of the closed cases (bench/bench_sla_dashboard.py:
  a million cases without their twenty million done tasks, which no open-work list reads).

Writes var/load/plan.json: the applicants and their fresh records, for the locustfile.

    DATABASE_URL=postgres://... LOAD_CASES=5000 .venv/bin/python bench/load/generate.py
"""

import json
import os
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

BATCH = int(os.environ.get("LOAD_BATCH", "20000"))
# The demo rows each generated row is shaped after (apps/demo: repair 6 repaired, repair 3 at verification, objection
# 4 closed, objection 1 verifying, record 3 without objection or repair).
SHAPES = {"repair_closed": 6, "repair_open": 3, "objection_closed": 4, "objection_open": 1, "record": 3}


def columns(table: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cur.fetchall()]


def clone(table: str, *, where: str, first: int, count: int, set_: dict[str, str], order: str = "id") -> int:
    """Insert `count` copies (g = first .. first+count-1) of the shape rows of `table` matching `where`, with the
    columns of `set_` computed (SQL over t = the shape row, rn = its 1-based rank, cnt = the number of shape rows,
    g = the copy's number). Returns the number of rows inserted."""
    cols = columns(table)
    exprs = [set_.get(col, f"t.{col}") for col in cols]
    sql = (
        f"INSERT INTO {table} ({', '.join(cols)}) "
        f"SELECT {', '.join(exprs)} FROM (SELECT s.*, row_number() OVER (ORDER BY s.{order}) AS rn, "
        f"count(*) OVER () AS cnt FROM {table} s WHERE {where}) t "
        f"CROSS JOIN generate_series({first}, {first + count - 1}) g"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.rowcount


def scalar(sql: str, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return cur.fetchone()[0]


def next_id(table: str) -> int:
    """An id range start above every existing id, rounded up so generated ids are recognisable."""
    top = scalar(f"SELECT coalesce(max(id), 0) FROM {table}")
    return (top // 1_000_000 + 1) * 1_000_000


def reset_sequences(tables: list[str]) -> None:
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )


def content_type_id(label: str) -> int:
    app, model = label.split(".")
    return scalar("SELECT id FROM django_content_type WHERE app_label = %s AND model = %s", [app, model])


def process_of(flow_prefix: str, case_id: int) -> int:
    return scalar(
        "SELECT id FROM viewflow_process WHERE flow_class LIKE %s AND artifact_object_id = %s",
        [flow_prefix + "%", case_id],
    )


def main() -> None:
    n_cases = int(os.environ.get("LOAD_CASES", "100000"))
    n_applicants = int(os.environ.get("LOAD_APPLICANTS", "200"))
    open_share = float(os.environ.get("LOAD_OPEN_SHARE", "0.02"))
    fresh_per_applicant = int(os.environ.get("LOAD_FILING_RECORDS", "20"))
    closed_history = os.environ.get("LOAD_CLOSED_HISTORY", "1") != "0"
    if connection.vendor != "postgresql":
        raise SystemExit("The load volume goes into PostgreSQL: set DATABASE_URL=postgres://...")
    if scalar("SELECT count(*) FROM accounts_user WHERE username = 'loadapp1'"):
        raise SystemExit("This database already holds a generated volume (user loadapp1): use a fresh database.")
    started = time.monotonic()
    n_subjects = max(n_cases // 2, 100)
    n_repairs = n_cases * 3 // 5
    n_objections = n_cases - n_repairs
    repair_ct, objection_ct = content_type_id("repairs.repaircase"), content_type_id("objections.objection")

    with transaction.atomic():
        ubase = next_id("accounts_user")
        clone(
            "accounts_user",
            where="s.username = 'applicant1'",
            first=0,
            count=n_applicants,
            set_={"id": f"{ubase} + g", "username": "'loadapp' || (g + 1)", "email": "''", "last_login": "NULL"},
        )
        clone(
            "accounts_user_groups",
            where="s.user_id = (SELECT id FROM accounts_user WHERE username = 'applicant1')",
            first=0,
            count=n_applicants,
            set_={"id": f"{next_id('accounts_user_groups')} + g * t.cnt + t.rn", "user_id": f"{ubase} + g"},
        )
        sbase = next_id("subjects_subject")
        for first in range(0, n_subjects, BATCH):
            count = min(BATCH, n_subjects - first)
            clone(
                "subjects_subject",
                where=f"s.id = (SELECT subject_id FROM subjects_negativerecord WHERE id = {SHAPES['record']})",
                first=first,
                count=count,
                set_={
                    "id": f"{sbase} + g",
                    "uscc": "'LD' || lpad(g::text, 16, '0')",
                    "name": "'负载测试企业' || g || '有限公司'",
                    "created_at": "now() - g * interval '7 minutes'",
                    "updated_at": "now() - g * interval '7 minutes'",
                },
            )
        clone(
            "subjects_subjectrepresentative",
            where="s.id = (SELECT min(id) FROM subjects_subjectrepresentative)",
            first=0,
            count=n_subjects,
            set_={
                "id": f"{next_id('subjects_subjectrepresentative')} + g",
                "subject_id": f"{sbase} + g",
                "user_id": f"{ubase} + g % {n_applicants}",
            },
        )
        # The right to act for the subject (django-guardian, as subjects' services grant it).
        clone(
            "guardian_userobjectpermission",
            where="s.id = (SELECT min(p.id) FROM guardian_userobjectpermission p JOIN auth_permission a "
            "ON a.id = p.permission_id WHERE a.codename = 'act_for_subject')",
            first=0,
            count=n_subjects,
            set_={
                "id": f"{next_id('guardian_userobjectpermission')} + g",
                "object_pk": f"({sbase} + g)::text",
                "user_id": f"{ubase} + g % {n_applicants}",
            },
        )
    print(f"users {n_applicants}, subjects {n_subjects} ({time.monotonic() - started:.0f} s)", flush=True)

    # Records: one per case (repairs first, then objections), then the fresh ones for the write mix.
    rbase = next_id("subjects_negativerecord")
    n_fresh = n_applicants * fresh_per_applicant
    for first in range(0, n_cases + n_fresh, BATCH):
        count = min(BATCH, n_cases + n_fresh - first)
        with transaction.atomic():
            clone(
                "subjects_negativerecord",
                where=f"s.id = {SHAPES['record']}",
                first=first,
                count=count,
                set_={
                    "id": f"{rbase} + g",
                    "subject_id": f"{sbase} + g % {n_subjects}",
                    "decision_no": "'宜市监罚〔负载〕' || g || '号'",
                    "created_at": "now() - interval '2 years' + g * interval '5 minutes'",
                    "updated_at": "now() - interval '2 years' + g * interval '5 minutes'",
                },
            )

    def cases(kind: str, n: int, *, case_table: str, flow: str, ct: int, record_offset: int) -> None:
        case_base, process_base = next_id(case_table), next_id("viewflow_process")
        task_base, perm_base = next_id("viewflow_task"), next_id("guardian_groupobjectpermission")
        n_open = int(n * open_share)
        for first in range(0, n, BATCH):
            count = min(BATCH, n - first)
            for state, lo, hi in (
                ("open", first, min(first + count, n_open)),
                ("closed", max(first, n_open), first + count),
            ):
                if hi <= lo:
                    continue
                shape = SHAPES[f"{kind}_{state}"]
                shape_process = process_of(flow, shape)
                case_set = {
                    "id": f"{case_base} + g",
                    "reference": f"'LD-{kind[0].upper()}' || g",
                    "subject_id": f"{sbase} + (g + {record_offset}) % {n_subjects}",
                    "created_at": "now() - interval '2 years' + g * interval '5 minutes'",
                    "updated_at": "now() - interval '2 years' + g * interval '5 minutes'",
                    "filed_at": "now() - interval '2 years' + g * interval '5 minutes'",
                }
                if kind == "repair":
                    case_set |= {
                        "commitment_id": "NULL",
                        "intake_deadline_id": "NULL",
                        "overall_deadline_id": "NULL",
                        "step_deadline_id": "NULL",
                        "filing_date": "(now() - interval '2 years' + g * interval '5 minutes')::date",
                    }
                else:
                    case_set |= {"deadline_id": "NULL", "record_id": f"{rbase} + {record_offset} + g"}
                with transaction.atomic():
                    clone(case_table, where=f"s.id = {shape}", first=lo, count=hi - lo, set_=case_set)
                    if kind == "repair":
                        clone(
                            "repairs_repaircase_records",
                            where=f"s.repaircase_id = {shape}",
                            first=lo,
                            count=hi - lo,
                            set_={
                                "id": f"{next_id('repairs_repaircase_records')} + g",
                                "repaircase_id": f"{case_base} + g",
                                "negativerecord_id": f"{rbase} + {record_offset} + g",
                            },
                        )
                    else:
                        clone(
                            "objections_objectionparty",
                            where=f"s.objection_id = {shape} AND s.id = (SELECT min(id) FROM objections_objectionparty WHERE objection_id = {shape})",
                            first=lo,
                            count=hi - lo,
                            set_={
                                "id": f"{next_id('objections_objectionparty')} + g",
                                "objection_id": f"{case_base} + g",
                                "subject_id": f"{sbase} + (g + {record_offset}) % {n_subjects}",
                                "applicant_id": f"{ubase} + ((g + {record_offset}) % {n_subjects}) % {n_applicants}",
                                "commitment_id": "NULL",
                            },
                        )
                    clone(
                        "guardian_groupobjectpermission",
                        where=f"s.content_type_id = {ct} AND s.object_pk = '{shape}'",
                        first=lo,
                        count=hi - lo,
                        set_={"id": f"{perm_base} + g * 10 + t.rn", "object_pk": f"({case_base} + g)::text"},
                    )
                    if state == "closed" and not closed_history:
                        continue
                    clone(
                        "viewflow_process",
                        where=f"s.id = {shape_process}",
                        first=lo,
                        count=hi - lo,
                        set_={
                            "id": f"{process_base} + g",
                            "artifact_object_id": f"{case_base} + g",
                            "created": "now() - interval '2 years' + g * interval '5 minutes'",
                        },
                    )
                    clone(
                        "viewflow_task",
                        where=f"s.process_id = {shape_process}",
                        first=lo,
                        count=hi - lo,
                        set_={
                            "id": f"{task_base} + g * 40 + t.rn",
                            "process_id": f"{process_base} + g",
                            "owner_permission_obj_pk": "CASE WHEN t.owner_permission_obj_pk IS NULL THEN NULL "
                            f"ELSE ({case_base} + g)::text END",
                            "artifact_object_id": "NULL",
                            "owner_id": "NULL",
                            "assigned": "NULL",
                            "created": "now() - interval '2 years' + g * interval '5 minutes' + t.rn * interval '1 hour'",
                        },
                    )
            print(f"{kind}s {first + count}/{n} ({time.monotonic() - started:.0f} s)", flush=True)

    cases("repair", n_repairs, case_table="repairs_repaircase", flow="repairs/", ct=repair_ct, record_offset=0)
    cases(
        "objection",
        n_objections,
        case_table="objections_objection",
        flow="objections/",
        ct=objection_ct,
        record_offset=n_repairs,
    )
    reset_sequences(
        [
            "accounts_user",
            "accounts_user_groups",
            "subjects_subject",
            "subjects_subjectrepresentative",
            "subjects_negativerecord",
            "repairs_repaircase",
            "repairs_repaircase_records",
            "objections_objection",
            "objections_objectionparty",
            "guardian_groupobjectpermission",
            "guardian_userobjectpermission",
            "viewflow_process",
            "viewflow_task",
        ]
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    fresh = {}
    for j in range(n_fresh):
        subject = (n_cases + j) % n_subjects
        fresh.setdefault(f"loadapp{subject % n_applicants + 1}", []).append(rbase + n_cases + j)
    out = BASE / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    (out / "plan.json").write_text(json.dumps({"applicants": fresh}, ensure_ascii=False))
    tasks = scalar("SELECT count(*) FROM viewflow_task")
    print(
        f"generated: {n_cases} cases ({n_repairs} repairs, {n_objections} objections, {open_share:.0%} open), "
        f"{tasks} tasks in all, {n_fresh} fresh records for filings, in {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
