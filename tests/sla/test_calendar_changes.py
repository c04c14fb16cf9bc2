"""Calendar administration loses nothing: a whole year is replaced only on request, single days are their own
operation, a make-up working day is a weekend day, and every change says how many open deadlines it moved (the admin
site before saving)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.core.models import CaseEvent
from apps.sla.models import CalendarDay, CalendarYear
from apps.sla.services import deadline_open

SH = ZoneInfo("Asia/Shanghai")
YEAR_2026 = "/api/v1/calendar/years/2026"


def day_url(day):
    return f"/api/v1/calendar/days/{day}"


@pytest.fixture
def admin_api(api, users):
    return api(users["admin"])


@pytest.fixture
def deadline(db):
    # Mon 2026-11-23 + 3 working days: due Thu 11-26; a holiday on Wed 11-25 moves it to Fri 11-27.
    return deadline_open(
        owner_type="objections.objection", owner_id=1, started_at=datetime(2026, 11, 23, 10, tzinfo=SH), working_days=3
    )


def stored_2026():
    return list(CalendarDay.objects.filter(year_id=2026).values_list("date", "kind", "name"))


def test_one_day_posted_as_a_year_does_not_wipe_the_year(admin_api, deadline):
    before = stored_2026()
    assert len(before) > 20  # the seeded arrangement: 元旦 … 国庆, make-up days
    payload = {"notice": "补登", "days": [{"date": "2026-11-25", "is_workday": False, "name": "测试假日"}]}
    response = admin_api.post(YEAR_2026, payload, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["error"] == "calendar_year_exists" and "replace" in body["fields"]
    assert stored_2026() == before
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 26)


def test_replacing_a_year_needs_replace_and_says_how_many_deadlines_moved(admin_api, deadline):
    days = [{"date": d.isoformat(), "is_workday": k == "makeup_workday", "name": n} for d, k, n in stored_2026()] + [
        {"date": "2026-11-25", "is_workday": False, "name": "测试假日"}
    ]
    payload = {"notice": "更正", "days": days, "replace": True}
    preview = admin_api.post(YEAR_2026, {**payload, "dry_run": True}, format="json")
    assert preview.status_code == 200, preview.content
    assert (preview.json()["deadlines_moved"], preview.json()["dry_run"]) == (1, True)
    assert not CalendarDay.objects.filter(date=date(2026, 11, 25)).exists()
    response = admin_api.post(YEAR_2026, payload, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["deadlines_moved"], response.json()["dry_run"]) == (1, False)
    assert len(stored_2026()) == len(days)
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 27)


def test_one_day_is_added_and_removed_on_its_own_keeping_the_rest(admin_api, deadline):
    before = stored_2026()
    preview = admin_api.put(day_url("2026-11-25"), {"is_workday": False, "name": "测试假日", "dry_run": True})
    assert preview.status_code == 200, preview.content
    assert preview.json()["deadlines_moved"] == 1 and preview.json()["dry_run"] is True
    assert stored_2026() == before and not CaseEvent.objects.filter(kind="calendar_day_set").exists()

    response = admin_api.put(day_url("2026-11-25"), {"is_workday": False, "name": "测试假日"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["action"], body["deadlines_moved"], body["days_in_year"]) == ("day_added", 1, len(before) + 1)
    assert set(before) < set(stored_2026())
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 27)
    renamed = admin_api.put(day_url("2026-11-25"), {"is_workday": False, "name": "改名"}, format="json").json()
    assert (renamed["action"], renamed["deadlines_moved"]) == ("day_changed", 0)

    removed = admin_api.delete(day_url("2026-11-25"))
    assert removed.status_code == 200, removed.content
    assert (removed.json()["action"], removed.json()["deadlines_moved"]) == ("day_removed", 1)
    assert stored_2026() == before
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 26)
    kinds = list(CaseEvent.objects.filter(case_type="sla.calendaryear", case_id=2026).values_list("kind", flat=True))
    assert kinds.count("calendar_day_set") == 2 and kinds.count("calendar_day_removed") == 1


def test_a_make_up_working_day_must_be_a_weekend_day(admin_api):
    response = admin_api.put(day_url("2026-11-25"), {"is_workday": True, "name": "调休"}, format="json")
    assert response.status_code == 400
    assert "date" in response.json()["fields"] and "2026-11-25" in response.json()["fields"]["date"][0]
    payload = {"notice": "n", "days": [{"date": "2027-03-03", "is_workday": True, "name": "调休"}]}
    response = admin_api.post("/api/v1/calendar/years/2027", payload, format="json")
    assert response.status_code == 400 and "2027-03-03" in response.json()["fields"]["days"][0]
    assert not CalendarYear.objects.filter(year=2027).exists()
    saturday = admin_api.put(day_url("2026-11-28"), {"is_workday": True, "name": "调休"}, format="json")
    assert saturday.status_code == 200 and saturday.json()["action"] == "day_added"
    weekend_holiday = admin_api.put(day_url("2026-11-29"), {"is_workday": False, "name": "周日"}, format="json")
    assert weekend_holiday.status_code == 400 and "2026-11-29" in weekend_holiday.json()["fields"]["date"][0]


def test_the_first_day_entered_in_an_unpublished_year_keeps_the_estimate(admin_api, api, users):
    estimate = [d["date"] for d in api(users["clerk"]).get("/api/v1/calendar/years/2027").json()["days"]]
    assert "2027-01-01" in estimate and "2027-10-01" in estimate
    response = admin_api.put(day_url("2027-01-04"), {"is_workday": False, "name": "测试假日"}, format="json")
    assert response.status_code == 200, response.content
    weekday_estimate = [d for d in estimate if date.fromisoformat(d).weekday() < 5]  # weekends are off anyway
    assert response.json()["estimate_kept"] == len(weekday_estimate) > 0
    after = api(users["clerk"]).get("/api/v1/calendar/years/2027").json()
    assert set(weekday_estimate) | {"2027-01-04"} == {d["date"] for d in after["days"]}
    assert after["status"] == "provisional"


@pytest.mark.parametrize(
    ("method", "url", "status", "field"),
    [
        ("delete", day_url("2026-11-25"), 404, "date"),
        ("delete", day_url("2026-02-30"), 400, "date"),
        ("delete", day_url("2100-01-01"), 400, "date"),
        ("put", day_url("20261125"), 400, "date"),
        ("put", day_url("2026-11-25"), 400, "name"),
    ],
)
def test_bad_single_day_requests_name_the_field(admin_api, method, url, status, field):
    response = getattr(admin_api, method)(url, {"is_workday": False}, format="json")
    assert response.status_code == status, response.content
    assert field in response.json()["fields"]


def test_only_administrators_change_days(api, users):
    for role in ("clerk", "officer", "applicant"):
        client = api(users[role])
        assert client.put(day_url("2026-11-25"), {"is_workday": False, "name": "x"}).status_code == 403
        assert client.delete(day_url("2026-01-01")).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 11, 25)).exists()


def test_admin_delete_page_shows_the_number_before_removing(client, users, deadline, admin_api):
    admin_api.put(day_url("2026-11-25"), {"is_workday": False, "name": "测试假日"}, format="json")
    before = stored_2026()
    row = CalendarDay.objects.get(date=date(2026, 11, 25))
    client.force_login(users["admin"])
    page = client.get(f"/admin/sla/calendarday/{row.pk}/delete/")
    assert page.status_code == 200 and "删除后将有 1 个未结期限的到期日改变" in page.content.decode()
    assert CalendarDay.objects.filter(pk=row.pk).exists()
    response = client.post(f"/admin/sla/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert len(stored_2026()) == len(before) - 1
    deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 11, 26)
    changelist = client.get("/admin/sla/calendarday/")
    assert "delete_selected" not in changelist.content.decode()


def test_admin_year_page_marks_a_year_after_showing_the_number(client, users):
    provisional = deadline_open(
        owner_type="objections.objection", owner_id=2, started_at=datetime(2026, 12, 29, 10, tzinfo=SH), working_days=5
    )
    assert provisional.provisional
    client.force_login(users["admin"])
    form = {"year": 2027, "status": "confirmed", "notice": "国办发明电〔2026〕测试号"}
    first = client.post("/admin/sla/calendaryear/add/", form)
    assert first.status_code == 200 and "保存后将有 1 个未结期限的到期日改变" in first.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    second = client.post("/admin/sla/calendaryear/add/", {**form, "confirm_moved": "1"})
    assert second.status_code == 302, second.content.decode()[:2000]
    provisional.refresh_from_db()
    assert provisional.provisional is False
    assert CalendarDay.objects.filter(year_id=2027, date=date(2027, 1, 1)).exists()  # the estimate was kept
    page = client.get("/admin/sla/calendaryear/2026/change/").content.decode()
    assert "2026-10-01" in page or "2026年10月1日" in page
    assert 'name="days-0-DELETE"' not in page
