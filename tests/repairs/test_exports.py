"""The repair list as a file: the JSON list's rows with its filters and scope."""

import pytest

from tests.repairs.conftest import filing
from tests.support.exports import assert_same_rows, both, json_rows

pytestmark = pytest.mark.django_db

HEADER = ["案件编号", "主体名称", "统一社会信用代码", "承办部门", "修复类型", "办理状态"]


def test_repairs_export_as_listed_and_only_what_the_reader_may_see(api, users, world):
    applicant = api(users["applicant"])
    response = applicant.post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    for reader in ("applicant", "officer", "monitor"):
        assert_same_rows(api(users[reader]), "/api/v1/repairs", key="reference", column=0, header=HEADER)
    status = json_rows(applicant, "/api/v1/repairs")[0]["status"]
    assert_same_rows(applicant, f"/api/v1/repairs?status={status}", key="reference", column=0, header=HEADER)
    for reader in ("officer_tax", "applicant2"):
        client = api(users[reader])
        assert json_rows(client, "/api/v1/repairs") == []
        for table in both(client, "/api/v1/repairs"):
            assert table[0][: len(HEADER)] == HEADER and table[1:] == []
    bad = applicant.get("/api/v1/repairs?format=doc")
    assert bad.status_code == 400 and bad.json()["fields"].keys() == {"format"}


def test_the_portal_list_links_to_the_file(api, users, world, client):
    client.force_login(users["applicant"])
    assert "/api/v1/repairs?format=csv" not in client.get("/portal/repairs/").content.decode()  # nothing to export
    assert api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").status_code == 201
    html = client.get("/portal/repairs/").content.decode()
    assert 'href="/api/v1/repairs?format=csv"' in html and 'href="/api/v1/repairs?format=xlsx"' in html
