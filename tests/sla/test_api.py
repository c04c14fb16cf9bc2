"""The calendar and deadline endpoints over HTTP, including 400/401/403/404."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from apps.core.models import CaseEvent
from apps.sla.models import CalendarYear, Deadline
from apps.sla.services import deadline_open

URL = "/api/v1/calendar/deadline"
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clerk(api, users):
    return api(users["clerk"])


def test_national_day_2026(clerk, django_assert_max_num_queries):
    # What the package says about 2026: 10/1-10/7 off, Saturday 10/10 worked (and 9/28-9/30 ordinary).
    assert [chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 12)] == [False] * 7 + [True] * 3 + [False]
    with django_assert_max_num_queries(4):  # cold: the calendar version, years and days
        clerk.get(URL, {"start": "2026-09-30", "working_days": 5})
    with django_assert_max_num_queries(1):  # warm: at most the version check
        response = clerk.get(URL, {"start": "2026-09-30", "working_days": 5})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {"start", "working_days", "due_date", "provisional", "skipped"} <= body.keys()
    assert (body["start"], body["working_days"], body["due_date"], body["provisional"]) == (
        "2026-09-30",
        5,
        "2026-10-13",
        False,
    )
    skipped = [item["date"] for item in body["skipped"]]
    assert skipped == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-04",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
        "2026-10-11",
    ]
    assert all(set(item) == {"date", "reason"} for item in body["skipped"])
    assert "国庆节" in body["skipped"][0]["reason"]
    assert body["makeup_workdays"][0]["date"] == "2026-10-10"
    assert "2026-10-10" in body["explanation"]


def test_datetime_start_after_office_hours(clerk):
    body = clerk.get(URL, {"start": "2026-11-20T18:30:00+08:00", "working_days": 1}).json()
    assert (body["received_on"], body["due_date"]) == ("2026-11-23", "2026-11-24")
    assert body["start"] == "2026-11-20T18:30:00+08:00"
    # an unescaped "+" arrives as a space; a UTC time is converted to Shanghai
    assert clerk.get(URL + "?start=2026-11-20T18:30:00+08:00&working_days=1").json()["due_date"] == "2026-11-24"
    assert clerk.get(URL, {"start": "2026-11-20T09:30:00Z", "working_days": 1}).json()["received_on"] == "2026-11-23"


def test_non_working_start_is_explained(clerk):
    body = clerk.get(URL, {"start": "2026-11-21", "working_days": 1}).json()
    assert body["due_date"] == "2026-11-24"
    assert "顺延至下一个工作日 2026-11-23" in body["explanation"]


def test_crossing_into_2027_is_provisional(clerk):
    body = clerk.get(URL, {"start": "2026-12-29", "working_days": 5}).json()
    assert body["provisional"] is True and body["provisional_years"] == [2027]
    assert body["due_date"] == "2027-01-06"


def test_zero_working_days(clerk):
    assert clerk.get(URL, {"start": "2026-11-21", "working_days": 0}).json()["due_date"] == "2026-11-23"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-09-30", "working_days": -1}, "working_days"),
        ({"start": "2026-09-30", "working_days": 99999999}, "working_days"),
        ({"start": "2026-09-30", "working_days": "abc"}, "working_days"),
        ({"start": "2026-09-30", "working_days": "1.5"}, "working_days"),
        ({"start": "2026-09-30", "working_days": "9" * 5000}, "working_days"),
        ({"start": "2026-13-40", "working_days": 5}, "start"),
        ({"start": "yesterday", "working_days": 5}, "start"),
        ({"start": "2026-09-30T25:00:00+08:00", "working_days": 5}, "start"),
        ({"start": "2100-01-01", "working_days": 5}, "start"),
        ({"start": "1999-01-01", "working_days": 5}, "start"),
        ({"start": "2099-12-20", "working_days": 3650}, "working_days"),
        ({"working_days": 5}, "start"),
        ({"start": "2026-09-30"}, "working_days"),
        ({}, "start"),
    ],
)
def test_bad_input_is_400_naming_the_field(clerk, params, field):
    response = clerk.get(URL, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"] and body["fields"][field]
    assert body["detail"]


def test_anonymous_is_refused(api, db):
    assert api().get(URL, {"start": "2026-09-30", "working_days": 5}).status_code in (401, 403)
    assert api().get("/api/v1/calendar/years/2026").status_code in (401, 403)
    assert api().post("/api/v1/calendar/years/2027", {}, format="json").status_code in (401, 403)


def test_days_listing(clerk):
    response = clerk.get("/api/v1/calendar/days", {"from": "2026-09-28", "to": "2026-10-11"})
    assert response.status_code == 200
    days = response.json()
    assert len(days) == 14
    assert [d["is_workday"] for d in days] == [
        chinese_calendar.is_workday(date(2026, 9, 28 + i) if i < 3 else date(2026, 10, i - 2)) for i in range(14)
    ]
    assert days[3] == {
        "date": "2026-10-01",
        "is_workday": False,
        "kind": "holiday",
        "reason": "国庆节",
        "provisional": False,
    }
    assert clerk.get("/api/v1/calendar/days", {"from": "2026-10-11", "to": "2026-10-01"}).status_code == 400
    assert list(clerk.get("/api/v1/calendar/days", {"from": "2020-01-01", "to": "2026-01-01"}).json()["fields"]) == [
        "to"
    ]
    assert "from" in clerk.get("/api/v1/calendar/days", {"from": "x", "to": "2026-01-01"}).json()["fields"]


def test_year_detail(clerk):
    body = clerk.get("/api/v1/calendar/years/2026").json()
    assert body["status"] == "confirmed" and "国办发明电〔2025〕7号" in body["notice"]
    assert {
        "date": "2026-02-28",
        "is_workday": True,
        "kind": "makeup_workday",
        "name": "春节",
        "reason": "调休上班日（春节）",
    } in body["days"]
    estimated = clerk.get("/api/v1/calendar/years/2027").json()
    assert estimated["status"] == "provisional" and estimated["estimated"] is True
    assert {d["date"] for d in estimated["days"] if d["name"] == "国庆节"} == {"2027-10-01", "2027-10-02", "2027-10-03"}
    assert clerk.get("/api/v1/calendar/years/2100").status_code == 400


PAYLOAD = {
    "notice": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
    "days": [
        {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
        {"date": "2027-01-04", "is_workday": False, "name": "测试假日"},
    ],
}


def test_admin_confirms_a_year_and_open_deadlines_move(api, users):
    deadline = deadline_open(
        owner_type="objections.objection", owner_id=1, started_at=datetime(2026, 12, 29, 10, tzinfo=SH), working_days=5
    )
    assert deadline.provisional
    response = api(users["admin"]).post("/api/v1/calendar/years/2027", PAYLOAD, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "confirmed" and body["deadlines_recomputed"] == 1 and body["entered_by"] == "admin"
    assert [d["date"] for d in body["days"]] == ["2027-01-01", "2027-01-04"]
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.provisional) == (date(2027, 1, 7), False)
    after = api(users["clerk"]).get(URL, {"start": "2026-12-29", "working_days": 5}).json()
    assert (after["due_date"], after["provisional"]) == ("2027-01-07", False)


def test_non_admin_cannot_confirm(api, users):
    for role in ("clerk", "officer", "monitor", "applicant"):
        response = api(users[role]).post("/api/v1/calendar/years/2027", PAYLOAD, format="json")
        assert response.status_code == 403, role
        assert response.json()["error"] == "permission_denied"
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"days": PAYLOAD["days"]}, "notice"),
        ({**PAYLOAD, "days": [{"date": "2027-02-30", "is_workday": False, "name": "x"}]}, "days"),
        ({**PAYLOAD, "days": [{"date": "2028-01-01", "is_workday": False, "name": "元旦"}]}, "days"),
        ({**PAYLOAD, "days": [{"date": "2027-01-01", "is_workday": "maybe", "name": "元旦"}]}, "days"),
        ({**PAYLOAD, "days": [{"date": "2027-01-01", "is_workday": False}]}, "days"),
        ({**PAYLOAD, "days": "none"}, "days"),
    ],
)
def test_admin_bad_payload_is_400(api, users, payload, field):
    response = api(users["admin"]).post("/api/v1/calendar/years/2027", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_admin_year_out_of_range_is_400(api, users):
    response = api(users["admin"]).post("/api/v1/calendar/years/2100", PAYLOAD, format="json")
    assert response.status_code == 400 and "year" in response.json()["fields"]


def test_deadline_detail_needs_view_permission(api, users):
    deadline = deadline_open(
        owner_type="objections.objection", owner_id=1, started_at=datetime(2026, 11, 2, 10, tzinfo=SH), working_days=5
    )
    body = api(users["admin"]).get(f"/api/v1/deadlines/{deadline.pk}").json()
    assert body["due_date"] == "2026-11-09" and body["pauses"] == []
    assert api(users["clerk"]).get(f"/api/v1/deadlines/{deadline.pk}").status_code == 404
    assert api(users["admin"]).get("/api/v1/deadlines/999999").status_code == 404
    assert Deadline.objects.count() == 1


def test_admin_site_edit_recomputes_after_showing_the_number(client, users):
    deadline = deadline_open(
        owner_type="objections.objection", owner_id=1, started_at=datetime(2026, 11, 23, 10, tzinfo=SH), working_days=3
    )
    assert deadline.due_date == date(2026, 11, 26)
    client.force_login(users["admin"])
    form = {"date": "2026-11-25", "kind": "holiday", "name": "测试假日"}
    response = client.post("/admin/sla/calendarday/add/", form)
    assert response.status_code == 200  # first the number, nothing saved
    assert "保存后将有 1 个未结期限的到期日改变" in response.content.decode()
    assert 'name="confirm_moved" value="1"' in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 26)
    response = client.post("/admin/sla/calendarday/add/", {**form, "confirm_moved": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 27)
    event = CaseEvent.objects.filter(case_type="sla.calendaryear", case_id=2026, kind="calendar_day_set").get()
    assert event.data["date"] == "2026-11-25" and event.data["name"] == "测试假日"
    assert event.actor == users["admin"]
    response = client.post(
        "/admin/sla/calendarday/add/", {"date": "2026-11-28", "kind": "holiday", "name": "周末", "confirm_moved": "0"}
    )
    assert response.status_code == 200  # a weekend needs no holiday row: the form shows the error
    assert "2026-11-28" in response.content.decode()
    assert client.get("/admin/sla/calendaryear/2026/change/").status_code == 200
    assert client.get("/admin/sla/deadline/").status_code == 200
