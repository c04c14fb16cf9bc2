"""The workbench's inbox and queue pages (Viewflow's task lists) link to their tasks as files: the page's queue,
flow and filters as GET /api/v1/tasks?format=csv|xlsx, whose rows are the page's tasks in the page's order; no
buttons on an empty list."""

import re

import pytest
from django.test import Client

from apps.repairs.models import RepairCase
from tests.casework.test_task_api import _cases
from tests.repairs.helpers import task_of
from tests.support.exports import read_csv, read_xlsx

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="(/api/v1/tasks\?[^"]+)"', html)]


def _page_task_ids(html: str) -> list[int]:
    return [int(task) for task in re.findall(r'<a href="/workflow/repair/\d+/\w+/(\d+)/">', html)]


def test_the_queue_page_exports_its_tasks_with_its_filters(clock, users, departments, api):
    ids = _cases(api, users, departments, 3)
    web = _web(users["officer"])
    html = web.get("/workflow/repair/queue/?sort=-created").content.decode()
    links = _links(html)
    assert len(links) == 2
    for link in links:
        assert "queue=available" in link and "case_type=repairs.repaircase" in link and "sort=-created" in link
    on_page = _page_task_ids(html)
    assert len(on_page) == 3
    csv_link = next(link for link in links if "format=csv" in link)
    xlsx_link = next(link for link in links if "format=xlsx" in link)
    assert [int(line[0]) for line in read_csv(web.get(csv_link))[1:]] == on_page
    assert [int(line[0]) for line in read_xlsx(web.get(xlsx_link))[1:]] == on_page
    # a search narrows the page and the file alike
    reference = RepairCase.objects.get(pk=ids[1]).reference
    html = web.get(f"/workflow/repair/queue/?q={reference}").content.decode()
    csv_link = next(link for link in _links(html) if "format=csv" in link)
    assert f"q={reference}" in csv_link
    assert [int(line[0]) for line in read_csv(web.get(csv_link))[1:]] == _page_task_ids(html) != []
    # a filter the page ignored as invalid is not in the file's URL either
    html = web.get("/workflow/repair/queue/?sort=sideways&overdue=on").content.decode()
    assert all("sort=" not in link and "overdue=on" in link for link in _links(html))


def test_the_inbox_exports_my_tasks_and_an_empty_list_has_no_buttons(clock, users, departments, api):
    ids = _cases(api, users, departments, 2)
    web = _web(users["officer"])
    assert _links(web.get("/workflow/repair/inbox/").content.decode()) == []  # nothing claimed yet
    officer = api(users["officer"])
    task = task_of(officer, ids[0], "intake")
    assert officer.post(f"/api/v1/tasks/{task}/claim").status_code == 200
    html = web.get("/workflow/repair/inbox/").content.decode()
    links = _links(html)
    assert len(links) == 2 and all("queue=mine" in link for link in links)
    assert [int(line[0]) for line in read_csv(web.get(links[0] if "csv" in links[0] else links[1]))[1:]] == [task]
    # another department's queue is empty: no buttons
    assert _links(_web(users["officer_tax"]).get("/workflow/repair/queue/").content.decode()) == []


def test_the_notices_and_breach_pages_hide_the_buttons_when_empty(users, client):
    client.force_login(users["monitor"])
    for url, api_url in (("/workbench/notices/", "/api/v1/notices?"), ("/workbench/breaches/", "/api/v1/breaches?")):
        response = client.get(url)
        assert response.status_code == 200 and "暂无" in response.content.decode()
        assert api_url not in response.content.decode()
