"""Every read of repair cases costs the same number of queries for 3 cases as for 30, and for a case of one record
as for a case of five (no query per row): the list and the detail as the applicant, the handling officer and the
monitor, and the reads built on the same cases: SLA notices and the monthly figures."""

from datetime import date

from apps.casework.models import SlaNotice
from apps.casework.sla_policy import sla_notice_raise
from apps.repairs.models import RepairCase
from apps.subjects.models import RecordKind, Severity
from tests.repairs.conftest import filing
from tests.subjects.factories import a_record
from tests.support.query_counts import counts, query_log

# what each reader may read besides the cases: the department its notices, the monitor also the figures
LISTS = {
    "applicant": ["/api/v1/repairs"],
    "officer": ["/api/v1/repairs", "/api/v1/notices"],
    "monitor": [
        "/api/v1/repairs",
        "/api/v1/notices",
        "/api/v1/stats/monthly?month=2026-05",
        "/api/v1/breaches?state=due_soon",
    ],
}


def _record(world, departments):
    return a_record(
        world["subject"],
        departments["market"],
        kind=RecordKind.ADMINISTRATIVE_PENALTY,
        severity=Severity.GENERAL,
        decided=date(2025, 6, 2),
        sanctions=[(departments["market"], "从严审核行政许可"), (departments["tax"], "限制申请财政性资金项目")],
    )


def _file(applicant, records) -> int:
    response = applicant.post("/api/v1/repairs", filing(records[0], records=[r.pk for r in records]), format="json")
    assert response.status_code == 201, response.json()
    case = RepairCase.objects.get(pk=response.json()["id"])
    assert sla_notice_raise(deadline=case.intake_deadline, kind=SlaNotice.Kind.DUE_SOON) is not None
    return case.pk


def _reads(readers, case_id):
    found = {}
    for who, client in readers.items():
        found.update(counts({who: client}, [*LISTS[who], f"/api/v1/repairs/{case_id}"]))
    return {(who, url.replace(f"/{case_id}", "/<id>")): n for (who, url), n in found.items()}


def test_repair_reads_cost_the_same_queries_for_more_rows(clock, users, departments, world, api, settings):
    # The calendar's version is checked every SLA_CALENDAR_RECHECK_SECONDS: a query that comes by the clock, not by
    # the rows; a slow machine would see it in one measurement and not the other.
    settings.SLA_CALENDAR_RECHECK_SECONDS = 3600
    applicant = api(users["applicant"])
    readers = {"applicant": applicant, "officer": api(users["officer"]), "monitor": api(users["monitor"])}
    small_case = _file(applicant, [world["record"]])
    for _ in range(2):
        _file(applicant, [_record(world, departments)])
    small = _reads(readers, small_case)

    large_case = _file(applicant, [_record(world, departments) for _ in range(5)])
    for _ in range(26):
        _file(applicant, [_record(world, departments)])
    large = _reads(readers, large_case)
    assert readers["officer"].get("/api/v1/repairs").json()["count"] == 30
    assert readers["monitor"].get("/api/v1/notices").json()["count"] == 30
    assert len(readers["officer"].get(f"/api/v1/repairs/{large_case}").json()["records"]) == 5
    differing = [key for key in small if small[key] != large[key]]
    if differing:
        who, url = differing[0]
        log = query_log(readers[who], url.replace("<id>", str(large_case)))
        raise AssertionError(f"{differing}: {small} != {large}\n" + "\n".join(q[:400] for q in log))
