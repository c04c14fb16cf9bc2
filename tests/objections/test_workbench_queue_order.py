"""The queue page and GET /api/v1/tasks sort, filter and search through one selector (casework.queue_tasks): they
list the same tasks in the same order with the same due dates, invalid parameters are a 400 on the API and ignored
with a message on the page, and a page costs the same queries for 5 and 30 tasks."""

import re

import pytest
from django.test import Client

from apps.objections.models import Objection

from .test_workbench_queue import QUEUE, _queries, file_objections

pytestmark = pytest.mark.django_db

COMBINATIONS = [
    {},
    {"sort": "due"},
    {"sort": "-due"},
    {"sort": "-created"},
    {"sort": "step"},
    {"sort": "case_type", "case_type": "objections.objection"},
    {"overdue": "true", "sort": "due"},
    {"step": "objection.verify"},
]


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def chinese(day: str) -> str:
    y, m, d = (int(part) for part in day.split("-"))
    return f"{y}年{m}月{d}日"


def page_rows(html: str, references: list[str]) -> list[tuple[str, str]]:
    """(reference, due date as shown) for each row of the page's table, in page order."""
    rows = []
    for chunk in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        reference = next((ref for ref in references if f">{ref}</a>" in chunk), None)
        if reference is None:
            continue
        due = re.search(r"\d{4}年\d{1,2}月\d{1,2}日", chunk)
        rows.append((reference, due.group(0) if due else ""))
    return rows


@pytest.fixture
def spread(api, world, clock):
    """Seven objections filed on different days: different due dates, some overdue on 2026-10-20."""
    for day in ("2026-10-08", "2026-10-12", "2026-10-09", "2026-10-14", "2026-10-13", "2026-10-15", "2026-10-12"):
        clock.set(f"{day} 09:00")
        file_objections(api, world, 1)
    clock.set("2026-10-20 09:00")
    return list(Objection.objects.values_list("reference", flat=True))


@pytest.mark.parametrize("params", COMBINATIONS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_the_page_and_the_api_list_the_same_tasks_in_the_same_order(api, world, spread, params):
    officer = world["officer"]
    rows = api(officer).get("/api/v1/tasks", {"queue": "available", "page_size": 25, **params}).json()["results"]
    expected = [(row["reference"], chinese(row["due_date"]) if row["due_date"] else "") for row in rows]
    page = browser(officer).get(QUEUE, params)
    assert page.status_code == 200
    assert page_rows(page.content.decode(), spread) == expected
    assert rows, params
    dues = [row["due_date"] for row in rows]
    if params.get("sort") == "due":
        assert dues == sorted(dues)
    if params.get("sort") == "-due":
        assert dues == sorted(dues, reverse=True)
    if params.get("overdue"):
        assert all(row["overdue"] for row in rows)
        assert len(rows) < len(spread)


def test_search_by_reference_enterprise_name_or_code(api, world, spread):
    officer = world["officer"]
    one = Objection.objects.select_related("subject").order_by("pk")[2]

    def refs(q):
        rows = api(officer).get("/api/v1/tasks", {"queue": "available", "q": q}).json()["results"]
        return [row["reference"] for row in rows]

    assert refs(one.reference) == [one.reference]
    assert len(refs(one.subject.name[2:6])) == len(spread)
    assert len(refs(one.subject.uscc[-6:])) == len(spread)
    assert refs("没有这家企业") == []
    html = browser(officer).get(QUEUE, {"q": one.reference}).content.decode()
    assert [ref for ref, _due in page_rows(html, spread)] == [one.reference]


def test_invalid_parameters_are_a_400_on_the_api_and_ignored_on_the_page(api, world, spread):
    officer = world["officer"]
    for params, field in (
        ({"sort": "owner"}, "sort"),
        ({"step": "objection.nowhere"}, "step"),
        ({"case_type": "nothing.here"}, "case_type"),
        ({"overdue": "maybe"}, "overdue"),
    ):
        response = api(officer).get("/api/v1/tasks", {"queue": "available", **params})
        assert response.status_code == 400, params
        assert field in response.json()["fields"], response.json()
        page = browser(officer).get(QUEUE, {**params, "sort": params.get("sort", "due")})
        assert page.status_code == 200
        html = page.content.decode()
        assert "已忽略筛选条件" in html, params
        assert len(page_rows(html, spread)) == len(spread)


def test_sorted_and_filtered_pages_cost_the_same_queries_for_5_and_30_tasks(api, world, clock):
    clock.set("2026-10-12 09:00")
    officer = world["officer"]
    page_client, api_client = browser(officer), api(officer)
    params = {"sort": "due", "q": "公司", "case_type": "objections.objection"}

    def page():
        return page_client.get(QUEUE, params)

    def listing():
        return api_client.get("/api/v1/tasks", {"queue": "available", "page_size": 50, **params})

    file_objections(api, world, 5)
    page(), listing()  # warm caches (content types, calendar)
    few = (_queries(page), _queries(listing))
    assert len(listing().json()["results"]) == 5
    file_objections(api, world, 25)
    many = (_queries(page), _queries(listing))
    assert len(listing().json()["results"]) == 30
    assert few == many


def test_later_pages_continue_the_list_with_an_exact_count_and_the_same_queries(api, world, spread):
    """TaskPaginator reads the list's ids once: the count is exact, page 2 continues page 1 (in every order), a page
    past the end is a 404 on the API, and page 1 and page 2 cost the same queries."""
    from .test_workbench_queue import _queries

    officer = world["officer"]
    client = api(officer)
    for sort in ("created", "due", "-due"):
        whole = client.get("/api/v1/tasks", {"queue": "available", "sort": sort, "page_size": 50}).json()
        first = client.get("/api/v1/tasks", {"queue": "available", "sort": sort, "page_size": 4}).json()
        second = client.get("/api/v1/tasks", {"queue": "available", "sort": sort, "page_size": 4, "page": 2}).json()
        assert first["count"] == second["count"] == whole["count"] == len(spread)
        assert [r["id"] for r in first["results"] + second["results"]] == [r["id"] for r in whole["results"]]
        assert first["next"] and second["previous"] and not second["next"]
    assert client.get("/api/v1/tasks", {"queue": "available", "page_size": 4, "page": 3}).status_code == 404

    def page(number):
        return lambda: client.get("/api/v1/tasks", {"queue": "available", "page_size": 4, "page": number})

    page(1)()  # warm caches (content types, calendar)
    assert _queries(page(1)) == _queries(page(2))
    html = browser(officer).get(QUEUE).content.decode()
    assert re.search(rf"共 {len(spread)} 条", html), "the page's count is the whole queue's"


def test_the_menu_counts_the_queue_its_page_lists(api, world, spread):
    """The menu's queue count is the queue page's own count (taken from its paginator, not counted twice), and on a
    filtered page it is still the whole queue's."""
    officer = world["officer"]
    for params in ({}, {"sort": "due"}, {"overdue": "on"}):
        html = browser(officer).get(QUEUE, params).content.decode()
        menu = re.search(r'href="[^"]*objection/queue/"[^>]*>.*?mdc-list-item__meta">\s*(\d+)\s*<', html, flags=re.S)
        assert menu is not None, params
        assert int(menu.group(1)) == len(spread), params
