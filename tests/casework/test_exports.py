"""Lists as files (`?format=csv|xlsx`): the same rows as the JSON list with the same filters and scope, every row
rather than a page, under Chinese headers; a bad format is a 400 naming it; a user gets no file of a list they
cannot read."""

import csv
import io

import pytest
from openpyxl import load_workbook

from apps.casework.sla_policy import sla_sweep
from tests.casework.test_sla_board import board  # noqa: F401  (the fixture)


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [["" if value is None else value for value in row] for row in book.active.iter_rows(values_only=True)]


def both(client, url: str) -> tuple[list[list], list[list]]:
    joiner = "&" if "?" in url else "?"
    return read_csv(client.get(f"{url}{joiner}format=csv")), read_xlsx(client.get(f"{url}{joiner}format=xlsx"))


def json_rows(client, url: str) -> list[dict]:
    response = client.get(url + ("&" if "?" in url else "?") + "page_size=200")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def assert_same_rows(client, url: str, *, key: str, column: int, header: list[str]):
    """The file's rows, in order, are the JSON list's (compared by `key` of the JSON row, `column` of the file)."""
    expected = [str(row[key]) for row in json_rows(client, url)]
    assert expected, url
    for table in both(client, url):
        assert table[0][: len(header)] == header
        assert [str(line[column]) for line in table[1:]] == expected


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
    assert csv_rows[1][3] == "2026年5月13日"  # the office's date form, not ISO
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
    for table in both(api(users["officer_tax"]), "/api/v1/notices"):
        assert table == [header]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/notices", "/api/v1/tasks", "/api/v1/breaches"])
def test_a_format_nobody_knows_is_a_400_naming_it(board, api, url):  # noqa: F811
    response = api(board["head"]).get(f"{url}?format=pdf")
    assert response.status_code == 400
    assert response.json()["fields"].keys() == {"format"}
    assert api(board["head"]).get(f"{url}?format=json").status_code == 200
