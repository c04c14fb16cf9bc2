"""The workbench queues (pages under /workflow/ and GET /api/v1/tasks) show on each row which case it is (reference,
not the process number), the enterprise, the step, the step's due date with working days left and an overdue mark,
and the department; a page costs the same number of queries whatever its length."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.objections.models import Objection
from tests.subjects.factories import a_record

from .test_flow_api import SIGNED

pytestmark = pytest.mark.django_db

QUEUE = "/workflow/objection/queue/"


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def file_objections(api, world, n):
    for i in range(n):
        record = a_record(world["a"], world["departments"]["market"], facts=f"违法事实 {i}")
        response = api(world["applicant"]).post(
            "/api/v1/objections",
            {"record": record.pk, "ground": "error", "statement": "登记错误。", **SIGNED},
            format="multipart",
        )
        assert response.status_code == 201, response.json()


def test_queue_rows_show_the_case_not_the_process(api, world, clock):
    clock.set("2026-10-12 09:00")
    file_objections(api, world, 2)
    objection = Objection.objects.order_by("pk").first()
    page = browser(world["officer"]).get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert objection.reference in html
    assert "宜昌三峡鑫源商贸有限公司" in html
    assert world["a"].uscc in html
    assert world["departments"]["market"].name in html
    assert "2026年10月19日" in html
    assert "剩 5 个工作日" in html
    assert not re.search(r"#\d+/\d+", html)

    rows = api(world["officer"]).get("/api/v1/tasks", {"queue": "available"}).json()["results"]
    assert len(rows) == 2
    row = next(r for r in rows if r["case"]["id"] == objection.pk)
    assert row["reference"] == objection.reference
    assert row["enterprise"] == "宜昌三峡鑫源商贸有限公司"
    assert row["department"] == world["departments"]["market"].name
    assert row["case_type"] == "异议案件"
    assert row["due_date"] == "2026-10-19"
    assert row["working_days_left"] == 5
    assert row["overdue"] is False
    assert row["case_page"] == f"/workbench/cases/objections.objection/{objection.pk}/"


def test_an_overdue_step_is_marked_in_red(api, world, clock):
    clock.set("2026-10-12 09:00")
    file_objections(api, world, 1)
    clock.set("2026-10-21 09:00")
    html = browser(world["officer"]).get(QUEUE).content.decode()
    assert re.search(r'class="due-overdue" style="color:#c62828[^"]*">已超期 2 个工作日', html), html
    row = api(world["officer"]).get("/api/v1/tasks", {"queue": "available"}).json()["results"][0]
    assert row["working_days_left"] == -2
    assert row["overdue"] is True


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    # Per request, not per row: the session's save and the calendar's periodic version check (time-based).
    per_request = ("django_session", "sla_calendarstate", "SAVEPOINT")
    return len([q for q in ctx.captured_queries if not any(word in q["sql"] for word in per_request)])


def test_a_page_costs_the_same_queries_for_3_and_30_tasks(api, world, clock):
    clock.set("2026-10-12 09:00")
    officer = world["officer"]
    page_client, api_client = browser(officer), api(officer)

    def page():
        return page_client.get(QUEUE)

    def listing():
        return api_client.get("/api/v1/tasks", {"queue": "available", "page_size": 50})

    file_objections(api, world, 3)
    page(), listing()  # warm caches (content types, calendar)
    few = (_queries(page), _queries(listing))
    assert len(listing().json()["results"]) == 3
    file_objections(api, world, 27)
    many = (_queries(page), _queries(listing))
    assert len(listing().json()["results"]) == 30
    assert page().content.decode().count("已超期") + page().content.decode().count("剩 ") >= 25
    assert few == many
