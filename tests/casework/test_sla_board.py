"""The SLA dashboard, the breach list and reassignment, through the API and the pages: every figure of
GET /api/v1/stats/sla is the number of rows of the list it links to."""

from datetime import date

import pytest
from viewflow.workflow.models import Task

from apps.accounts.models import Role
from apps.accounts.services import user_create
from apps.core.models import CaseEvent
from apps.core.selectors import audit_chain_breaks
from apps.repairs.models import RepairCase
from apps.sla.services import deadline_pause
from apps.subjects.models import RecordKind, Severity
from tests.conftest import DEMO_PASSWORD
from tests.repairs.conftest import at, filing
from tests.repairs.helpers import complete, task_of
from tests.subjects.factories import a_record


@pytest.fixture
def board(users, departments, world, clock, api):
    """Three repair cases of the market department on 11 May 2026: one left in intake, one accepted (verify), one
    whose intake is paused; then the clock moves to 14 May, after the intake due date (13 May)."""
    head = user_create(username="head1", password=DEMO_PASSWORD, role=Role.HEAD, department=departments["market"])
    head_tax = user_create(username="head_tax", password=DEMO_PASSWORD, role=Role.HEAD, department=departments["tax"])
    officer2 = user_create(
        username="officer_m2", password=DEMO_PASSWORD, role=Role.OFFICER, department=departments["market"]
    )
    clock.set(at(2026, 5, 11, 10))
    cases = []
    records = [world["record"]] + [
        a_record(
            world["subject"],
            departments["market"],
            kind=RecordKind.ADMINISTRATIVE_PENALTY,
            severity=Severity.GENERAL,
            decided=date(2025, 6, 2),
            sanctions=[(departments["market"], "从严审核行政许可")],
        )
        for _ in range(2)
    ]
    for record in records:
        response = api(users["applicant"]).post("/api/v1/repairs", filing(record), format="json")
        assert response.status_code == 201, response.json()
        cases.append(RepairCase.objects.get(pk=response.json()["id"]))
    complete(api(users["officer"]), cases[1].pk, "intake", {"decision": "accept"})
    deadline_pause(
        deadline=cases[2].intake_deadline, at=at(2026, 5, 12, 9), reason="等待补正", acting_user=users["officer"]
    )
    # Viewflow stamps Task.created with the real clock (a default bound at import), not the test's: put it back.
    Task.objects.filter(process__artifact_object_id__in=[c.pk for c in cases]).update(created=at(2026, 5, 11, 10))
    clock.set(at(2026, 5, 14, 9))
    return {"head": head, "head_tax": head_tax, "officer2": officer2, "cases": cases}


def task_of_case(case_id, step="intake"):
    return Task.objects.get(
        process__artifact_object_id=case_id, flow_task_type="HUMAN", status="NEW", flow_task__endswith=step
    ).pk


def _rows(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "page_size=200")
    assert response.status_code == 200, (url, response.json())
    return response.json()


def _figures(stats):
    yield stats["open_total"]
    for key in ("due_today", "due_tomorrow", "due_soon", "breached", "paused"):
        yield stats[key]
    yield from stats["open_by_step"]
    yield from stats["workload"]
    for month in stats["on_time_by_month"]:
        yield month["closed"]
        yield month["on_time"]
    yield stats["two_documents"]["missing"]


@pytest.mark.parametrize("who", ["head", "monitor"])
def test_every_figure_is_the_number_of_rows_of_its_list(board, users, api, who):
    user = board["head"] if who == "head" else users["monitor"]
    client = api(user)
    response = client.get("/api/v1/stats/sla")
    assert response.status_code == 200, response.json()
    stats = response.json()
    for figure in _figures(stats):
        body = _rows(client, figure["list_url"])
        assert body["count"] == figure["count"], figure
        assert len(body["results"]) == figure["count"], figure
    assert stats["breached"]["count"] >= 1
    assert stats["paused"]["count"] == 1
    assert stats["open_total"]["count"] == 3
    steps = {(f["step"], f["department"]["code"]): f["count"] for f in stats["open_by_step"]}
    assert steps == {("repair.intake", "YC-SCJG"): 2, ("repair.verify", "YC-SCJG"): 1}
    # The officer who took intake holds the verify step that followed it (the next step stays with its officer).
    assert next(f for f in stats["workload"] if f["owner"] == "officer1")["count"] == 1
    assert next(f for f in stats["workload"] if f["owner"] is None)["count"] == 2


def test_a_head_sees_only_their_department(board, users, api):
    stats = api(board["head_tax"]).get("/api/v1/stats/sla").json()
    assert stats["open_total"]["count"] == 0 and stats["breached"]["count"] == 0
    assert api(board["head_tax"]).get("/api/v1/stats/sla?department=YC-SCJG").status_code == 404
    assert api(board["head_tax"]).get("/api/v1/tasks?queue=open&department=YC-SCJG").status_code == 404
    assert api(users["officer"]).get("/api/v1/stats/sla").status_code == 403
    assert api(users["officer"]).get("/api/v1/breaches").status_code == 403
    assert api(users["monitor"]).get("/api/v1/stats/sla?department=YC-SW").json()["open_total"]["count"] == 0


def test_the_breach_list_says_how_late_who_held_each_step_and_the_pauses(board, users, api):
    rows = _rows(api(board["head"]), "/api/v1/breaches?state=breached")["results"]
    intake_breaches = [r for r in rows if r["case_id"] == board["cases"][0].pk and r["purpose"] == "intake"]
    assert intake_breaches, rows
    row = intake_breaches[0]
    assert row["due_date"] == "2026-05-13" and row["late_working_days"] == 1
    assert [s["step"] for s in row["steps"]] == ["repair.intake"]
    assert row["steps"][0]["owner"] is None and row["steps"][0]["held_working_days"] == 3
    paused = _rows(api(board["head"]), "/api/v1/breaches?state=paused")["results"]
    assert [(r["case_id"], r["pauses"][0]["reason"]) for r in paused] == [(board["cases"][2].pk, "等待补正")]
    # a paused deadline is never reported as breached while paused
    assert all(r["case_id"] != board["cases"][2].pk or r["purpose"] != "intake" for r in rows)
    assert api(board["head"]).get("/api/v1/breaches?state=nonsense").json()["fields"].keys() == {"state"}


def test_a_head_reassigns_tasks_of_their_department_audited(board, users, api, django_capture_on_commit_callbacks):
    officer = api(users["officer"])
    first = task_of(officer, board["cases"][0].pk, "intake")
    second = task_of(officer, board["cases"][2].pk, "intake")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(board["head"]).post(
            "/api/v1/tasks/reassign", {"tasks": [first, second], "owner": "officer_m2"}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["reassigned"]) == sorted([first, second])
    assert {t.owner.username for t in Task.objects.filter(pk__in=[first, second])} == {"officer_m2"}
    events = CaseEvent.objects.filter(kind="task_reassigned", case_type="repairs.repaircase")
    assert events.count() == 2 and {e.data["owner"] for e in events} == {"officer_m2"}
    assert list(audit_chain_breaks()) == []
    workload = api(board["head"]).get("/api/v1/stats/sla").json()["workload"]
    assert next(f for f in workload if f["owner"] == "officer_m2")["count"] == 2
    # The new owner is told, in plain words, with a link to each case.
    notices = api(board["officer2"]).get("/api/v1/notifications").json()
    reassigned = [n for n in notices["results"] if n["kind"] == "reassigned"]
    assert {n["title"] for n in reassigned} == {
        f"转办给您：{board['cases'][0].reference} 受理审查",
        f"转办给您：{board['cases'][2].reference} 受理审查",
    }
    assert all(n["url"].startswith("/portal/repairs/") for n in reassigned)


def test_reassignment_refusals_name_the_field(board, users, api):
    officer = api(users["officer"])
    task = task_of(officer, board["cases"][0].pk, "intake")
    head = api(board["head"])

    def refused(body, field, client=head, status=400):
        response = client.post("/api/v1/tasks/reassign", body, format="json")
        assert response.status_code == status, response.json()
        assert field in response.json()["fields"], response.json()
        return response.json()

    refused({"tasks": [task], "owner": "officer_tax"}, "owner")  # another department's officer
    refused({"tasks": [task], "owner": "monitor1"}, "owner")  # not an officer
    refused({"tasks": [task], "owner": "nobody"}, "owner")
    refused({"tasks": [task], "owner": "officer1"}, "tasks", client=api(board["head_tax"]))  # another department
    refused({"tasks": [], "owner": "officer1"}, "tasks")
    refused({"tasks": ["x"], "owner": "officer1"}, "tasks")
    refused({"tasks": [task]}, "owner")
    finished = Task.objects.filter(process__artifact_object_id=board["cases"][1].pk, flow_task_type="HUMAN")
    done = finished.filter(status="DONE").first()
    refused({"tasks": [done.pk], "owner": "officer1"}, "tasks")
    # all or nothing: a good task beside a finished one is not reassigned either
    refused({"tasks": [task, done.pk], "owner": "officer_m2"}, "tasks")
    assert Task.objects.get(pk=task).owner_id is None
    assert (
        api(users["officer"])
        .post("/api/v1/tasks/reassign", {"tasks": [task], "owner": "officer_m2"}, format="json")
        .status_code
        == 403
    )
    # the credit office reassigns in any department
    assert (
        api(users["monitor"])
        .post("/api/v1/tasks/reassign", {"tasks": [task], "owner": "officer1"}, format="json")
        .status_code
        == 200
    )


def test_the_pages(board, users, client):
    client.force_login(board["head"])
    page = client.get("/workbench/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/echarts/echarts.common.min.js" in html and "/workbench/breaches/" in html
    assert "cdn" not in html.lower()
    breaches = client.get("/workbench/breaches/?state=breached")
    assert breaches.status_code == 200 and board["cases"][0].reference in breaches.content.decode()
    task = task_of_case(board["cases"][0].pk)
    response = client.post("/workbench/breaches/", {"tasks": [task], "owner": "officer_m2"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task).owner.username == "officer_m2"
    refused = client.post("/workbench/breaches/", {"tasks": [task], "owner": "officer_tax"})
    assert refused.status_code == 400 and "officer_tax" in refused.content.decode()
    client.force_login(users["officer"])
    assert client.get("/workbench/dashboard/").status_code == 403


@pytest.fixture
def two_departments(board, users, departments, world, clock, api):
    """The board's three market cases, and one case of the tax department (filed on 14 May, left in intake)."""
    record = a_record(
        world["subject"],
        departments["tax"],
        kind=RecordKind.ADMINISTRATIVE_PENALTY,
        severity=Severity.GENERAL,
        decided=date(2025, 6, 2),
        sanctions=[(departments["tax"], "限制申请财政性资金项目")],
    )
    response = api(users["applicant"]).post("/api/v1/repairs", filing(record), format="json")
    assert response.status_code == 201, response.json()
    tax_case = RepairCase.objects.get(pk=response.json()["id"])
    assert tax_case.department_id == departments["tax"].pk
    return {**board, "tax_case": tax_case}


def test_a_head_sees_none_of_another_departments_cases_on_the_board_or_its_lists(two_departments, api):
    market, tax = api(two_departments["head"]), api(two_departments["head_tax"])
    tax_case, market_cases = two_departments["tax_case"], two_departments["cases"]
    market_ids = {case.pk for case in market_cases}
    for client, own, other in ((market, market_ids, {tax_case.pk}), (tax, {tax_case.pk}, market_ids)):
        stats = client.get("/api/v1/stats/sla").json()
        assert stats["open_total"]["count"] == len(own)
        for figure in _figures(stats):
            body = _rows(client, figure["list_url"])
            assert body["count"] == figure["count"], figure
            seen = {row["case"]["id"] for row in body["results"] if isinstance(row.get("case"), dict)}
            seen |= {row["case_id"] for row in body["results"] if "case_id" in row}
            assert not seen & other, (figure, seen)
        listed = {row["id"] for row in _rows(client, "/api/v1/repairs")["results"]}
        assert listed == own
        for case_id in other:
            assert client.get(f"/api/v1/repairs/{case_id}").status_code == 404
        for case_id in own:
            assert client.get(f"/api/v1/repairs/{case_id}").status_code == 200
    # Officers and applicants see what they saw before: their department's cases, their own filings.
    assert {r["id"] for r in _rows(api(two_departments["officer2"]), "/api/v1/repairs")["results"]} == market_ids


def _closed_deadline(case, *, closed_at, on_time=True):
    from apps.sla.models import Deadline

    return Deadline.objects.create(
        owner_type="repairs.repaircase",
        owner_id=case.pk,
        purpose="answer",
        started_at=closed_at,
        counts_from=closed_at.date(),
        received_on=closed_at.date(),
        working_days=20,
        due_date=closed_at.date(),
        status=Deadline.Status.CLOSED,
        closed_at=closed_at,
        closed_on_time=on_time,
    )


@pytest.mark.parametrize("who", ["head", "monitor"])
def test_earlier_months_stay_equal_to_their_lists_after_a_late_closing(board, users, api, who):
    """An earlier month's closings are counted once and kept; a deadline closed afterwards with a closing moment in
    that month (entered late) is counted again, so the figure still equals its list."""
    from apps.sla.models import Deadline
    from apps.sla.services import deadline_close

    client = api(board["head"] if who == "head" else users["monitor"])
    _closed_deadline(board["cases"][0], closed_at=at(2026, 4, 8, 10))
    _closed_deadline(board["cases"][1], closed_at=at(2026, 4, 9, 10), on_time=False)

    def april():
        stats = client.get("/api/v1/stats/sla").json()
        month = next(m for m in stats["on_time_by_month"] if m["month"] == "2026-04")
        for figure in (month["closed"], month["on_time"]):
            assert _rows(client, figure["list_url"])["count"] == figure["count"], figure
        return month["closed"]["count"], month["on_time"]["count"]

    assert april() == (2, 1)
    assert april() == (2, 1)  # the kept counts
    late = Deadline.objects.get(pk=_closed_deadline(board["cases"][2], closed_at=at(2026, 4, 10, 10)).pk)
    late.status, late.closed_at, late.closed_on_time = Deadline.Status.OPEN, None, None
    late.save(update_fields=["status", "closed_at", "closed_on_time", "updated_at"])
    deadline_close(deadline=late, acting_user=users["officer"], at=at(2026, 4, 30, 16))
    assert april() == (3, 1)  # counted again (closed after its due date: late)


@pytest.mark.django_db
def test_every_figure_is_the_number_of_rows_of_its_list_on_demo_data(api):
    from django.core.management import call_command

    from apps.accounts.models import User

    call_command("seed_demo", subjects=5)
    for username in ("monitor1", "head1"):
        user = User.objects.get(username=username)
        client = api(user)
        response = client.get("/api/v1/stats/sla")
        assert response.status_code == 200, response.json()
        stats = response.json()
        checked = 0
        for figure in _figures(stats):
            body = _rows(client, figure["list_url"])
            assert body["count"] == figure["count"], (username, figure)
            checked += figure["count"]
        assert checked > 0, username
        if username == "head1":
            assert {f["department"]["code"] for f in stats["open_by_step"]} <= {user.department.code}
            departments = {row["department"] for row in _rows(client, "/api/v1/tasks?queue=open")["results"]}
            assert departments <= {user.department.name}, departments
