"""Importing decisions by file and by list: bad rows are reported by line and field, good rows go in, nothing twice."""

import io

import pytest
from openpyxl import Workbook

from apps.decisions.models import DecisionImport, PenaltyDecision
from apps.letters.models import Letter, LetterBatch
from apps.subjects.models import NegativeRecord, Subject
from tests.decisions.support import decision_row, to_csv, upload
from tests.letters.support import new_uscc


def post_file(api, user, name, data, run_on_commit):
    with run_on_commit():
        return api(user).post("/api/v1/decisions/import", {"file": upload(name, data)}, format="multipart")


def counts():
    return (
        PenaltyDecision.objects.count(),
        NegativeRecord.objects.count(),
        Letter.objects.count(),
        Subject.objects.count(),
    )


def test_same_csv_twice_creates_nothing_the_second_time(api, users, run_on_commit):
    data = to_csv([decision_row(n) for n in range(1, 11)])
    first = post_file(api, users["officer"], "decisions.csv", data, run_on_commit)
    assert first.status_code == 201, first.json()
    assert (first.json()["created"], first.json()["duplicates"], first.json()["errors"]) == (10, 0, 0)
    assert counts() == (10, 10, 10, 10)
    second = post_file(api, users["officer"], "decisions.csv", data, run_on_commit)
    assert (second.json()["created"], second.json()["duplicates"], second.json()["errors"]) == (0, 10, 0)
    assert [row["line"] for row in second.json()["duplicate_rows"]] == list(range(2, 12))
    assert counts() == (10, 10, 10, 10)
    assert DecisionImport.objects.count() == 2
    # The second import needed no notice, so it made no letter batch (it used to leave an empty one).
    assert second.json()["letter_batch"] is None
    assert LetterBatch.objects.count() == 1


def test_three_bad_rows_of_a_hundred(api, users, run_on_commit):
    rows = [decision_row(n) for n in range(1, 101)]
    good_code = rows[9]["统一社会信用代码"]
    bad_check = good_code[:17] + ("0" if good_code[17] != "0" else "1")
    rows[9]["统一社会信用代码"] = bad_check  # file line 11
    rows[49]["决定日期"] = "2026-02-30"  # line 51
    rows[76]["失信程度"] = "特别严重"  # line 78
    response = post_file(api, users["officer"], "decisions.csv", to_csv(rows), run_on_commit)
    assert response.status_code == 201
    body = response.json()
    assert (body["total_rows"], body["created"], body["duplicates"], body["errors"]) == (100, 97, 0, 3)
    errors = {(e["line"], e["field"]): e for e in body["error_rows"]}
    assert set(errors) == {(11, "uscc"), (51, "decision_date"), (78, "severity")}
    assert (
        errors[(11, "uscc")]["code"] == "check_character"
        and f"应为“{good_code[17]}”" in errors[(11, "uscc")]["message"]
    )
    assert (
        errors[(51, "decision_date")]["code"] == "invalid_date"
        and "2026-02-30" in errors[(51, "decision_date")]["message"]
    )
    assert errors[(78, "severity")]["code"] == "invalid_choice" and "特别严重" in errors[(78, "severity")]["message"]
    assert PenaltyDecision.objects.count() == 97
    assert not PenaltyDecision.objects.filter(
        decision_no__in=["宜市监处罚〔2026〕10号", "宜市监处罚〔2026〕50号", "宜市监处罚〔2026〕77号"]
    ).exists()
    # One batch rendered the 97 notices.
    batch = LetterBatch.objects.get(pk=body["letter_batch"])
    assert (batch.total, batch.done, batch.failed, batch.status) == (97, 97, 0, LetterBatch.Status.DONE)
    progress = api(users["officer"]).get(body["letter_batch_url"]).json()
    assert (progress["total"], progress["done"], progress["percent"], progress["status"]) == (97, 97, 100, "done")
    # The corrected rows can be sent again: only they are new.
    rows[9]["统一社会信用代码"], rows[49]["决定日期"], rows[76]["失信程度"] = good_code, "2026-02-28", "一般"
    again = post_file(api, users["officer"], "decisions.csv", to_csv(rows), run_on_commit).json()
    assert (again["created"], again["duplicates"], again["errors"]) == (3, 97, 0)


def test_xlsx_with_chinese_headers_and_date_cells(api, users, run_on_commit):
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["行政处罚决定书信息"])  # a title row above the headers is common
    sheet.append([])
    sheet.append(
        ["决定类别", "决定文书号", "决定日期", "统一社会信用代码", "当事人名称", "失信程度", "罚没金额", "部门编码"]
    )
    sheet.append(
        ["行政处罚", "宜市监处罚〔2026〕201号", datetime(2026, 5, 10), new_uscc(), "甲公司", "一般", 1200.5, "YC-SCJG"]
    )
    sheet.append(
        [
            "列入严重失信主体名单",
            "宜市监列严〔2026〕202号",
            "2026年5月11日",
            new_uscc(),
            "乙公司",
            "严重",
            None,
            "YC-SCJG",
        ]
    )
    sheet.append(
        [
            "行政处罚",
            "宜市监处罚〔2026〕203号",
            datetime(2026, 5, 12),
            "91350100M000100Y44",
            "丙公司",
            "一般",
            "abc",
            "YC-SW",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    body = post_file(api, users["officer"], "decisions.xlsx", buffer.getvalue(), run_on_commit).json()
    assert (body["source"], body["created"], body["errors"]) == ("xlsx", 2, 1)
    assert {(e["line"], e["field"]) for e in body["error_rows"]} == {(6, "uscc"), (6, "fine_amount"), (6, "department")}
    first = PenaltyDecision.objects.get(decision_no="宜市监处罚〔2026〕201号")
    assert str(first.fine_amount) == "1200.50" and first.decision_date.isoformat() == "2026-05-10"
    assert PenaltyDecision.objects.get(decision_no="宜市监列严〔2026〕202号").kind == "serious_dishonesty_listing"


def test_gbk_csv_as_excel_saves_it(api, users, run_on_commit):
    body = post_file(
        api, users["officer"], "决定.csv", to_csv([decision_row(301)], encoding="gb18030"), run_on_commit
    ).json()
    assert body["created"] == 1
    assert PenaltyDecision.objects.get().subject.name == "宜昌第301号商贸有限公司"


def test_file_without_required_columns_imports_nothing(api, users, run_on_commit):
    response = post_file(api, users["officer"], "decisions.csv", "决定文书号,当事人名称\nX,Y\n".encode(), run_on_commit)
    assert response.status_code == 400
    assert (
        response.json()["error"] == "import_columns_missing"
        and "统一社会信用代码" in response.json()["fields"]["file"][0]
    )
    assert DecisionImport.objects.count() == 0
    wrong = post_file(api, users["officer"], "decisions.pdf", b"%PDF-1.7", run_on_commit)
    assert wrong.status_code == 400 and wrong.json()["error"] == "import_format"


def test_json_list_reports_rows_and_single_object_errors_are_a_400(api, users, run_on_commit):
    good = {
        "kind": "administrative_penalty",
        "decision_no": "宜市监处罚〔2026〕401号",
        "decision_date": "2026-05-10",
        "uscc": new_uscc(),
        "subject_name": "丁公司",
        "severity": "general",
    }
    with run_on_commit():
        response = api(users["officer"]).post(
            "/api/v1/decisions", [good, {**good, "decision_no": "", "severity": "x"}, good], format="json"
        )
    body = response.json()
    assert response.status_code == 201 and (body["created"], body["errors"], body["duplicates"]) == (1, 1, 1)
    assert {(e["line"], e["field"]) for e in body["error_rows"]} == {(2, "decision_no"), (2, "severity")}
    single = api(users["officer"]).post("/api/v1/decisions", {**good, "uscc": "91350100M000100Y4"}, format="json")
    assert single.status_code == 400 and "uscc" in single.json()["fields"]
    duplicate = api(users["officer"]).post("/api/v1/decisions", good, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["error"] == "decision_duplicate"


def test_only_registrars_import_and_only_for_their_department(api, users, run_on_commit):
    data = to_csv([decision_row(501)])
    assert post_file(api, users["applicant"], "d.csv", data, run_on_commit).status_code == 403
    assert post_file(api, users["monitor"], "d.csv", data, run_on_commit).status_code == 403
    assert api(None).post(
        "/api/v1/decisions/import", {"file": upload("d.csv", data)}, format="multipart"
    ).status_code in (401, 403)
    # The tax officer's rows go to the tax department; naming the market department is refused row by row.
    body = post_file(api, users["officer_tax"], "d.csv", data, run_on_commit).json()
    assert PenaltyDecision.objects.get().department.code == "YC-SW"
    rows = [{**decision_row(502), "部门编码": "YC-SCJG"}]
    import csv

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    body = post_file(api, users["officer_tax"], "d.csv", buffer.getvalue().encode(), run_on_commit).json()
    assert (
        body["errors"] == 1
        and body["error_rows"][0]["field"] == "department"
        and body["error_rows"][0]["code"] == "forbidden"
    )
    # An administrator may import for any department.
    body = post_file(api, users["admin"], "d.csv", buffer.getvalue().encode(), run_on_commit).json()
    assert (
        body["created"] == 1
        and PenaltyDecision.objects.get(decision_no="宜市监处罚〔2026〕502号").department.code == "YC-SCJG"
    )
    job = api(users["officer_tax"]).get(f"/api/v1/decisions/imports/{body['id']}")
    assert job.status_code == 404


@pytest.mark.parametrize("value", ["2026/5/10", "2026.5.10", "2026年5月10日", "20260510", "2026-05-10 00:00:00"])
def test_date_forms_departments_use(value):
    from apps.decisions.importing import parse_date

    assert parse_date(value).isoformat() == "2026-05-10"


def test_existing_record_is_linked_not_duplicated(api, users, departments, run_on_commit):
    from datetime import date

    from apps.subjects.services import record_create
    from tests.letters.support import make_subject

    subject = make_subject("戊公司")
    record = record_create(
        subject=subject,
        kind="administrative_penalty",
        severity="general",
        department=departments["market"],
        decision_no="宜市监处罚〔2026〕601号",
        decision_date=date(2026, 5, 10),
    )
    row = {**decision_row(601, uscc=subject.uscc, name="戊公司")}
    body = post_file(api, users["officer"], "d.csv", to_csv([row]), run_on_commit).json()
    assert body["created"] == 1
    assert PenaltyDecision.objects.get().record == record and NegativeRecord.objects.count() == 1
