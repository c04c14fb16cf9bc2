"""The staff workbench (Viewflow material UI through apps.casework): the queue, the verify form, department scoping."""

import pytest
from django.test import Client

from apps.casework.models import CaseTask

from .test_flow_api import detail, file_objection

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_officer_works_the_case_in_the_workbench(api, world):
    case = file_objection(api, world)
    task = CaseTask.objects.get(flow_task_type="HUMAN", process__artifact_object_id=case["id"])
    base = f"/workflow/objection/{task.process_id}/verify/{task.pk}/"
    officer = browser(world["officer"])
    queue = officer.get("/workflow/objection/queue/").content.decode()
    assert case["reference"] in queue or f"{task.process_id}" in queue
    assert officer.post(base + "assign/").status_code in (200, 302)
    page = officer.get(base + "execute/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="outcome"' in html and 'name="reasons"' in html
    response = officer.post(
        base + "execute/", {"action": "propose", "outcome": "kept", "reasons": "信息准确，予以维持。"}
    )
    assert response.status_code in (200, 302)
    assert detail(api, world["officer"], case["id"])["status"] == "reviewing"


def test_another_department_cannot_open_the_task_page(api, world):
    case = file_objection(api, world)
    task = CaseTask.objects.get(flow_task_type="HUMAN", process__artifact_object_id=case["id"])
    other = browser(world["officer_tax"])
    response = other.get(f"/workflow/objection/{task.process_id}/verify/{task.pk}/")
    assert response.status_code in (302, 403, 404)  # viewflow sends a user without access away
    if response.status_code == 302:
        assert f"/verify/{task.pk}" not in response["Location"]
    assert case["reference"] not in other.get("/workflow/objection/queue/").content.decode()
