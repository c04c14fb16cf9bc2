"""Decisions delivered without their repair notice, as a file: the JSON list's rows with its filters and scope."""

from tests.decisions.test_two_documents import register
from tests.support.exports import assert_same_rows, both, json_rows, read_csv

HEADER = ["决定文书号", "决定类别", "决定日期", "作出决定部门", "主体名称", "统一社会信用代码", "送达日期", "送达方式"]
URL = "/api/v1/decisions/without-notice"


def test_decisions_without_notice_export_as_listed(api, users, run_on_commit):
    for number in ("31", "32"):
        decision = register(api, users["officer"], run_on_commit, decision_no=f"宜市监处罚〔2026〕{number}号")
        response = api(users["officer"]).post(
            f"/api/v1/decisions/{decision['id']}/delivery",
            {"method": "direct", "delivered_on": "2026-05-20", "notice_delivered": False},
            format="json",
        )
        assert response.status_code == 200, response.json()
    monitor = api(users["monitor"])
    assert len(json_rows(monitor, URL)) == 2
    assert_same_rows(monitor, URL, key="decision_no", column=0, header=HEADER)
    assert_same_rows(monitor, f"{URL}?month=2026-05&department=YC-SCJG", key="decision_no", column=0, header=HEADER)
    line = read_csv(monitor.get(f"{URL}?format=csv"))[1]
    assert line[1:3] == ["行政处罚决定", "2026年5月10日"] and line[6:] == ["2026年5月20日", "直接送达"]
    for table in both(monitor, f"{URL}?month=2026-06"):
        assert table == [HEADER]
    for table in both(api(users["officer_tax"]), URL):
        assert table == [HEADER]
    bad = monitor.get(f"{URL}?format=xls")
    assert bad.status_code == 400 and bad.json()["fields"].keys() == {"format"}
