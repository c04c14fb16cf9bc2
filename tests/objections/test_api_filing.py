"""Filing over HTTP: the mark in the same request, the clock across National Day, duplicates, bad input, access."""

import pytest

from apps.objections.models import Objection

pytestmark = pytest.mark.django_db

BODY = {
    "ground": "error",
    "statement": "罚款金额登记错误，应为5000元。",
    "commitment_accepted": True,
    "commitment_signer_name": "张敏",
}


def post(api, user, record, **extra):
    return api(user).post("/api/v1/objections", {"record": record.pk, **BODY, **extra}, format="json")


def test_filed_before_national_day_is_due_on_the_fifth_working_day_counting_the_makeup_day(api, world, clock):
    clock.set("2026-09-30 10:00")
    response = post(api, world["applicant"], world["record"])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["due_date"] == "2026-10-13"
    assert body["provisional"] is False
    assert body["filed_at"].startswith("2026-09-30T10:00")
    skipped = [d["date"] for d in body["skipped"]]
    assert skipped == [f"2026-10-0{d}" for d in range(1, 8)] + ["2026-10-11"]
    assert "国庆" in body["skipped"][0]["reason"]
    assert [d["date"] for d in body["makeup_workdays"]] == ["2026-10-10"]
    assert body["current_step"]["code"] == "verifying"
    # the applicant's history is in plain words, with the department and role rather than a person
    assert [(h["kind"], h["actor"]) for h in body["history"]][:1] == [("filed", "申请人（企业）")]
    commitment = body["filings"][0]["commitment"]
    assert commitment["type"] == "objection_appeal" and commitment["signer_name"] == "张敏"
    assert commitment["text_version"] == "YYSS-2023"


def test_the_mark_shows_in_the_same_request_and_on_the_record(api, world):
    response = post(api, world["applicant"], world["record"])
    assert response.status_code == 201
    assert response.json()["record"]["under_objection"] is True
    record = api(world["applicant"]).get(f"/api/v1/records/{world['record'].pk}").json()
    assert record["status"]["under_objection"] is True
    listed = api(world["officer"]).get("/api/v1/records", {"uscc": world["a"].uscc}).json()
    assert listed["results"][0]["status"]["under_objection"] is True


def test_subject_page_lists_the_case(api, world):
    objection_id = post(api, world["applicant"], world["record"]).json()["id"]
    cases = api(world["applicant"]).get(f"/api/v1/subjects/{world['a'].uscc}").json()["cases"]
    assert [(c["type"], c["id"]) for c in cases] == [("objection", objection_id)]
    assert cases[0]["due_date"] and cases[0]["current_step"]["code"] == "verifying"


def test_duplicate_by_the_same_subject_is_409_with_the_open_case(api, world):
    first = post(api, world["applicant"], world["record"]).json()
    again = post(api, world["applicant"], world["record"])
    assert again.status_code == 409
    body = again.json()
    assert body["error"] == "objection_duplicate"
    assert body["open_case"] == {
        "id": first["id"],
        "reference": first["reference"],
        "url": f"/api/v1/objections/{first['id']}",
    }


def test_another_subject_is_joined_to_the_open_case(api, world):
    first = post(api, world["applicant"], world["record"]).json()
    joined = post(api, world["applicant2"], world["record"], subject=world["b"].uscc, ground="duplicate")
    assert joined.status_code == 200
    body = joined.json()
    assert body["joined"] is True and body["id"] == first["id"]
    # the joined party reads its own filing only (the first filer's is not its business)
    assert [p["subject"]["uscc"] for p in body["filings"]] == [world["b"].uscc]
    staff = api(world["officer"]).get(f"/api/v1/objections/{first['id']}").json()
    assert [p["subject"]["uscc"] for p in staff["filings"]] == [world["a"].uscc, world["b"].uscc]
    assert Objection.objects.count() == 1
    # the joined subject's applicant now follows the case
    assert api(world["applicant2"]).get(f"/api/v1/objections/{first['id']}").status_code == 200
    cases = api(world["applicant2"]).get(f"/api/v1/subjects/{world['b'].uscc}").json()["cases"]
    assert [(c["type"], c["id"]) for c in cases] == [("objection", first["id"])]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ground": "bogus"}, "ground"),
        ({"statement": ""}, "statement"),
        ({"record": "abc"}, "record"),
        ({"record": 999999}, "record"),
        ({"record": 2**70}, "record"),
        ({"subject": "91350100M000100Y44"}, "subject"),
        ({"channel": "fax"}, "channel"),
        ({"claimed": "not a dict"}, "claimed"),
        ({"commitment_accepted": False}, "commitment_accepted"),
        ({"commitment_signer_name": ""}, "commitment_signer_name"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, world, payload, field):
    response = api(world["applicant"]).post(
        "/api/v1/objections", {"record": world["record"].pk, **BODY, **payload}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


def test_counter_filing_by_a_clerk(api, world):
    response = post(
        api, world["clerk"], world["record"], channel="counter", contact_name="张敏", contact_phone="0717-6221234"
    )
    assert response.status_code == 201, response.json()
    filing = response.json()["filings"][0]
    assert filing["channel"] == "counter" and (filing["contact_name"], filing["contact_phone"]) == (
        "张敏",
        "0717-6221234",
    )
    assert post(api, world["applicant2"], world["record"], channel="counter").status_code == 400


def test_officer_of_another_department_cannot_see_the_case(api, world):
    objection_id = post(api, world["applicant"], world["record"]).json()["id"]
    assert api(world["officer"]).get(f"/api/v1/objections/{objection_id}").status_code == 200
    hidden = api(world["officer_tax"]).get(f"/api/v1/objections/{objection_id}")
    assert hidden.status_code == 404 and hidden.json()["error"] == "not_found"
    assert api(world["officer_tax"]).get("/api/v1/objections").json()["results"] == []
    assert api(world["applicant2"]).get(f"/api/v1/objections/{objection_id}").status_code == 404
    assert api(world["monitor"]).get(f"/api/v1/objections/{objection_id}").status_code == 200


def test_anonymous_is_refused(api, world):
    assert api().get("/api/v1/objections").status_code in (401, 403)


def test_a_due_date_in_a_year_without_an_arrangement_is_provisional(api, world, clock):
    clock.set("2026-12-29 10:00")
    body = post(api, world["applicant"], world["record"]).json()
    assert body["provisional"] is True and body["clock"]["provisional_years"] == [2027]
    assert body["due_date"] == "2027-01-06"  # 2027-01-01 counted as the fixed 元旦 holiday, then the weekend
