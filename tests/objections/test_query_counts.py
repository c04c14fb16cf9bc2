"""Every read of objections costs the same number of queries for 3 cases as for 30 (no query per row): the list and
the detail, as the applicant (their party's view) and as the verifying department's officer (the staff view)."""

from tests.objections.test_flow_api import file_objection
from tests.subjects.factories import a_record
from tests.support.query_counts import counts, query_log


def _file(api, world) -> int:
    world["record"] = a_record(world["a"], world["departments"]["market"])
    return file_objection(api, world)["id"]


def _reads(readers, case_id):
    found = counts(readers, ["/api/v1/objections", f"/api/v1/objections/{case_id}"])
    return {(who, url.replace(f"/{case_id}", "/<id>")): n for (who, url), n in found.items()}


def test_objection_reads_cost_the_same_queries_for_more_rows(api, world, clock, settings):
    # The calendar's version is checked every SLA_CALENDAR_RECHECK_SECONDS: a query that comes by the clock, not by
    # the rows; a slow machine would see it in one measurement and not the other.
    settings.SLA_CALENDAR_RECHECK_SECONDS = 3600
    clock.set("2026-10-12 09:00")
    readers = {"applicant": api(world["applicant"]), "officer": api(world["officer"]), "monitor": api(world["monitor"])}
    first = file_objection(api, world)["id"]
    for _ in range(2):
        _file(api, world)
    small = _reads(readers, first)

    for _ in range(27):
        last = _file(api, world)
    large = _reads(readers, last)
    assert readers["applicant"].get("/api/v1/objections").json()["count"] == 30
    assert readers["officer"].get("/api/v1/objections").json()["count"] == 30
    differing = [key for key in small if small[key] != large[key]]
    if differing:
        who, url = differing[0]
        log = query_log(readers[who], url.replace("<id>", str(last)))
        raise AssertionError(f"{differing}: {small} != {large}\n" + "\n".join(q[:400] for q in log))
