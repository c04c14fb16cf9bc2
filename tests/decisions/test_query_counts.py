"""The decision list and detail cost the same number of queries for 3 decisions as for 30 (no query per row)."""

from tests.letters.support import new_uscc
from tests.support.query_counts import counts, query_log


def _register(client, n: int) -> int:
    body = {
        "kind": "administrative_penalty",
        "decision_no": f"宜市监处罚〔2026〕{n}号",
        "decision_date": "2026-05-10",
        "uscc": new_uscc(),
        "subject_name": f"宜昌第{n}号商贸有限公司",
        "severity": "general",
        "penalty_types": ["警告", "罚款"],
        "facts": "销售不符合食品安全标准的食品。",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
        "fine_amount": "50000",
    }
    response = client.post("/api/v1/decisions", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _reads(readers, decision_id):
    found = counts(readers, ["/api/v1/decisions", f"/api/v1/decisions/{decision_id}"])
    return {(who, url.replace(f"/{decision_id}", "/<id>")): n for (who, url), n in found.items()}


def test_decision_reads_cost_the_same_queries_for_more_rows(api, users, settings):
    # The calendar's version is checked every SLA_CALENDAR_RECHECK_SECONDS: a query that comes by the clock, not by
    # the rows; a slow machine would see it in one measurement and not the other.
    settings.SLA_CALENDAR_RECHECK_SECONDS = 3600
    officer = api(users["officer"])
    readers = {"officer": officer, "monitor": api(users["monitor"])}
    ids = [_register(officer, n) for n in range(3)]
    small = _reads(readers, ids[0])
    ids += [_register(officer, n) for n in range(3, 30)]
    large = _reads(readers, ids[-1])
    assert readers["monitor"].get("/api/v1/decisions").json()["count"] == 30
    differing = [key for key in small if small[key] != large[key]]
    if differing:
        who, url = differing[0]
        log = query_log(readers[who], url.replace("<id>", str(ids[-1])))
        raise AssertionError(f"{differing}: {small} != {large}\n" + "\n".join(q[:400] for q in log))
