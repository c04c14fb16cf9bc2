"""The task API: queues, claim/release/complete, pagination, a query budget; and the workbench pages."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.accounts.services import user_create
from apps.repairs.models import RepairCase
from apps.subjects.models import Severity
from apps.subjects.services import subject_representative_add
from tests.repairs.conftest import filing
from tests.repairs.helpers import task_of
from tests.subjects.factories import a_record, a_subject


def _cases(api, users, departments, n):
    ids = []
    for _i in range(n):
        subject = a_subject()
        subject_representative_add(subject=subject, user=users["applicant"])
        record = a_record(subject, departments["market"], severity=Severity.GENERAL, decided=date(2025, 6, 2))
        response = api(users["applicant"]).post("/api/v1/repairs", filing(record), format="json")
        assert response.status_code == 201, response.json()
        ids.append(response.json()["id"])
    return ids


def test_claim_release_and_the_queues(clock, users, world, departments, api):
    case_id = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").json()["id"]
    officer = api(users["officer"])
    colleague = user_create(
        username="officer1b", password="x-pass-2026", role=Role.OFFICER, department=departments["market"]
    )
    other = api(colleague)
    task_id = task_of(officer, case_id, "intake")
    detail = officer.get(f"/api/v1/tasks/{task_id}").json()
    assert detail["actions"] == ["claim", "complete"]
    assert set(detail["input"]) == {"decision", "missing_items", "reasons", "note"}
    assert detail["case"]["reference"].startswith("XF2026")

    response = officer.post(f"/api/v1/tasks/{task_id}/claim")
    assert response.status_code == 200 and response.json()["owner"] == "officer1"
    assert officer.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200  # claiming what I hold: no-op
    taken = other.post(f"/api/v1/tasks/{task_id}/claim")
    assert taken.status_code == 409 and taken.json()["error"] == "task_taken" and "officer1" in taken.json()["detail"]
    assert other.post(f"/api/v1/tasks/{task_id}/complete", {"decision": "accept"}, format="json").status_code == 409
    assert other.post(f"/api/v1/tasks/{task_id}/release").status_code == 403
    assert [row["id"] for row in officer.get("/api/v1/tasks?queue=mine").json()["results"]] == [task_id]
    assert other.get("/api/v1/tasks?queue=available").json()["count"] == 0
    team = other.get("/api/v1/tasks?queue=team").json()["results"]
    assert [(row["id"], row["owner"]) for row in team] == [(task_id, "officer1")]

    assert officer.post(f"/api/v1/tasks/{task_id}/release").status_code == 200
    assert other.get("/api/v1/tasks?queue=available").json()["count"] == 1
    bad = officer.post(f"/api/v1/tasks/{task_id}/complete", {"decision": "maybe"}, format="json")
    assert bad.status_code == 400 and "decision" in bad.json()["fields"]
    assert officer.get("/api/v1/tasks?queue=everything").status_code == 400
    # reviewers do not see officers' steps in their queue
    assert api(users["reviewer"]).get("/api/v1/tasks?queue=available").json()["count"] == 0
    assert RepairCase.objects.get(pk=case_id).status == RepairCase.Status.INTAKE


def test_the_task_list_is_paginated_within_a_query_budget(clock, users, departments, api):
    officer = api(users["officer"])
    _cases(api, users, departments, 2)

    def count_queries():
        fresh = api(type(users["officer"]).objects.get(pk=users["officer"].pk))  # as in a real request: no warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = fresh.get("/api/v1/tasks?queue=available&page_size=50")
        assert response.status_code == 200
        return len(ctx), response.json()

    few, body = count_queries()
    assert body["count"] == 2
    _cases(api, users, departments, 4)
    many, body = count_queries()
    assert body["count"] == 6
    assert many == few, "the task list must not query per row"
    assert many <= 8
    page = officer.get("/api/v1/tasks?queue=available&page_size=4").json()
    assert len(page["results"]) == 4 and page["next"]


def test_the_available_queue_costs_the_same_queries_at_3_and_at_30_tasks(clock, users, departments, api):
    def count_queries():
        fresh = api(type(users["officer"]).objects.get(pk=users["officer"].pk))
        with CaptureQueriesContext(connection) as ctx:
            response = fresh.get("/api/v1/tasks?queue=available")
        assert response.status_code == 200
        return len(ctx), response.json()["count"]

    _cases(api, users, departments, 3)
    count_queries()  # warm the process's caches (content types, calendar): one-off, not per row
    few, count = count_queries()
    assert count == 3
    _cases(api, users, departments, 27)
    many, count = count_queries()
    assert count == 30
    assert many == few, f"{few} queries at 3 tasks, {many} at 30"


def test_the_workbench_shows_a_department_its_tasks_and_runs_the_step_form(clock, users, world, api):
    case_id = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").json()["id"]
    process_id = (
        api(users["officer"])
        .get(f"/api/v1/tasks/{task_of(api(users['officer']), case_id, 'intake')}")
        .json()["process_id"]
    )
    task_id = task_of(api(users["officer"]), case_id, "intake")
    web = Client()
    web.force_login(users["officer"])
    assert web.get("/workflow/", follow=True).status_code == 200
    queue = web.get("/workflow/repair/queue/").content.decode()
    assert f"/workflow/repair/{process_id}/intake/{task_id}/" in queue
    tax = Client()
    tax.force_login(users["officer_tax"])
    assert f"/workflow/repair/{process_id}/intake/{task_id}/" not in tax.get("/workflow/repair/queue/").content.decode()
    assert tax.get(f"/workflow/repair/{process_id}/").status_code in (403, 404)
    reference = RepairCase.objects.get(pk=case_id).reference
    process_page = web.get(f"/workflow/repair/{process_id}/").content.decode()
    assert reference in process_page and world["subject"].name in process_page

    assert web.post(f"/workflow/repair/{process_id}/intake/{task_id}/assign/").status_code == 302
    form = web.get(f"/workflow/repair/{process_id}/intake/{task_id}/execute/")
    assert (
        form.status_code == 200
        and "decision" in form.content.decode()
        and world["subject"].name in form.content.decode()
    )
    web.post(f"/workflow/repair/{process_id}/intake/{task_id}/execute/", {"decision": "supplement"})
    assert RepairCase.objects.get(pk=case_id).status == RepairCase.Status.INTAKE  # a 补正 needs its list: refused
    response = web.post(
        f"/workflow/repair/{process_id}/intake/{task_id}/execute/",
        {"decision": "supplement", "missing_items": "营业执照\n缴款凭证"},
    )
    assert response.status_code == 302
    case = RepairCase.objects.get(pk=case_id)
    assert case.status == RepairCase.Status.SUPPLEMENT and case.supplement_items == ["营业执照", "缴款凭证"]
    # applicants have no workbench
    applicant = Client()
    applicant.force_login(users["applicant"])
    assert applicant.get("/workflow/repair/queue/").status_code == 403


@pytest.mark.parametrize("queue", ["mine", "available", "team"])
def test_anonymous_users_get_nothing(api, db, queue):
    assert api(None).get(f"/api/v1/tasks?queue={queue}").status_code in (401, 403)
