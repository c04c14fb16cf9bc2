"""The credit-check list and detail cost the same number of queries for 3 checks as for 30 (no query per row)."""

from tests.sanctions.test_credit_check_api import URL, listed, run  # noqa: F401  (listed: the fixture)
from tests.support.query_counts import counts, query_log


def _check(client, listed, n: int) -> int:  # noqa: F811
    response = run(client, listed["subject"].uscc, reference=f"YCZC-2026-{n:04d}")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _reads(readers, check_id):
    found = counts(readers, [URL, f"{URL}/{check_id}"])
    return {(who, url.replace(f"/{check_id}", "/<id>")): n for (who, url), n in found.items()}


def test_credit_check_reads_cost_the_same_queries_for_more_rows(users, api, listed, settings):  # noqa: F811
    # The calendar's version is checked every SLA_CALENDAR_RECHECK_SECONDS: a query that comes by the clock, not by
    # the rows; a slow machine would see it in one measurement and not the other.
    settings.SLA_CALENDAR_RECHECK_SECONDS = 3600
    officer = api(users["officer_tax"])
    readers = {"officer": officer, "monitor": api(users["monitor"])}
    ids = [_check(officer, listed, n) for n in range(3)]
    small = _reads(readers, ids[0])
    ids += [_check(officer, listed, n) for n in range(3, 30)]
    large = _reads(readers, ids[-1])
    assert readers["officer"].get(URL).json()["count"] == 30
    differing = [key for key in small if small[key] != large[key]]
    if differing:
        who, url = differing[0]
        log = query_log(readers[who], url.replace("<id>", str(ids[-1])))
        raise AssertionError(f"{differing}: {small} != {large}\n" + "\n".join(q[:400] for q in log))
