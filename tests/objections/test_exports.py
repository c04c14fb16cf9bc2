"""The objection list as a file: the JSON list's rows with its filters and scope."""

import pytest

from tests.objections.test_api_filing import post
from tests.support.exports import assert_same_rows, both, json_rows

pytestmark = pytest.mark.django_db

HEADER = ["案件编号", "主体名称", "统一社会信用代码", "信息类别", "决定文书号", "承办部门"]


def test_objections_export_as_listed_and_only_what_the_reader_may_see(api, world):
    response = post(api, world["applicant"], world["record"])
    assert response.status_code == 201, response.json()
    for reader in ("applicant", "officer", "monitor"):
        assert_same_rows(api(world[reader]), "/api/v1/objections", key="reference", column=0, header=HEADER)
    url = f"/api/v1/objections?record={world['record'].pk}"
    assert_same_rows(api(world["officer"]), url, key="reference", column=0, header=HEADER)
    for reader in ("officer_tax", "applicant2"):
        client = api(world[reader])
        assert json_rows(client, "/api/v1/objections") == []
        for table in both(client, "/api/v1/objections"):
            assert table[0][: len(HEADER)] == HEADER and table[1:] == []
    bad = api(world["officer"]).get("/api/v1/objections?format=ods")
    assert bad.status_code == 400 and bad.json()["fields"].keys() == {"format"}
