"""Lists as files (`?format=csv|xlsx`): the same rows as the JSON list with the same filters and scope, every row
rather than a page, under Chinese headers; a bad format is a 400 naming it; a user gets no file of a list they
cannot read."""

import re

import pytest

from apps.casework.sla_policy import sla_sweep
from tests.casework.test_sla_board import board  # noqa: F401  (the fixture)
from tests.support.exports import assert_same_rows, both, json_rows, read_csv


@pytest.mark.django_db
def test_breaches_export_the_rows_of_the_list_with_its_filters(board, api, users):  # noqa: F811
    head = api(board["head"])
    header = ["案件编号", "承办部门", "期限事项", "到期日", "超期工作日"]
    for state in ("breached", "paused"):
        url = f"/api/v1/breaches?state={state}"
        expected = [row["case"]["reference"] for row in json_rows(head, url)]
        assert expected
        for table in both(head, url):
            assert table[0][:5] == header
            assert [line[0] for line in table[1:]] == expected
    csv_rows = read_csv(head.get("/api/v1/breaches?state=breached&format=csv"))
    assert csv_rows[1][2:4] == ["受理审查", "2026年5月13日"]  # the step's name, the office's date form
    # who may not read the list gets no file
    assert api(users["officer"]).get("/api/v1/breaches?format=csv").status_code == 403
    assert api(board["head_tax"]).get("/api/v1/breaches?department=YC-SCJG&format=xlsx").status_code == 404


@pytest.mark.django_db
def test_tasks_export_the_queue_the_json_lists(board, api, users):  # noqa: F811
    header = ["任务编号", "案件编号", "案件类型", "企业名称"]
    assert_same_rows(api(board["head"]), "/api/v1/tasks?queue=open", key="id", column=0, header=header)
    assert_same_rows(api(users["officer"]), "/api/v1/tasks?queue=team&sort=due", key="id", column=0, header=header)
    # the applicant has no queue of others' tasks: the file is as empty as the list
    applicant = api(users["applicant"])
    assert json_rows(applicant, "/api/v1/tasks?queue=team") == []
    for table in both(applicant, "/api/v1/tasks?queue=team"):
        assert table[0][:4] == header and table[1:] == []
    assert api(board["head_tax"]).get("/api/v1/tasks?queue=open&department=YC-SCJG&format=csv").status_code == 404


@pytest.mark.django_db
def test_notices_export_by_kind_and_department(board, api, users):  # noqa: F811
    sla_sweep()
    header = ["序号", "提醒类型", "内容", "期限事项", "到期日", "承办部门", "提醒时间", "确认时间"]
    assert_same_rows(api(users["officer"]), "/api/v1/notices", key="id", column=0, header=header)
    assert_same_rows(api(users["monitor"]), "/api/v1/notices?kind=breach", key="id", column=0, header=header)
    assert {line[3] for line in read_csv(api(users["officer"]).get("/api/v1/notices?format=csv"))[1:]} <= {
        "受理审查",
        "认定部门作出决定",
    }
    for table in both(api(users["officer_tax"]), "/api/v1/notices"):
        assert table == [header]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/notices", "/api/v1/tasks", "/api/v1/breaches"])
def test_a_format_nobody_knows_is_a_400_naming_it(board, api, url):  # noqa: F811
    response = api(board["head"]).get(f"{url}?format=pdf")
    assert response.status_code == 400
    assert response.json()["fields"].keys() == {"format"}
    assert api(board["head"]).get(f"{url}?format=json").status_code == 200


@pytest.mark.django_db
def test_the_pages_link_to_their_list_as_files_with_the_page_filters(board, users, client):  # noqa: F811
    client.force_login(board["head"])
    html = client.get("/workbench/breaches/?state=paused").content.decode()
    links = re.findall(r'href="(/api/v1/breaches\?[^"]+)"', html)
    assert len(links) == 2 and all("state=paused" in link and "department=YC-SCJG" in link for link in links)
    csv_link = next(link.replace("&amp;", "&") for link in links if "format=csv" in link)
    references = [line[0] for line in read_csv(client.get(csv_link))[1:]]
    assert references == [board["cases"][2].reference]
    sla_sweep()
    html = client.get("/workbench/notices/").content.decode()
    assert 'href="/api/v1/notices?format=csv"' in html and 'href="/api/v1/notices?format=xlsx"' in html
