"""The workbench (/workflow/) shows a person only the processes and tasks of cases they may see: another
department's process or task is a 404 and appears in no list; the credit office sees everything. The review of a
decision is never its proposer's: in none of their queues (API and pages), and a 404 to claim."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from apps.accounts.models import User
from apps.casework.models import CaseTask
from apps.core.errors import ApplicationError
from apps.objections.models import Objection
from apps.objections.services import objection_review
from tests.subjects.factories import a_record

from .test_flow_api import SIGNED, complete, file_objection, task_of

pytestmark = pytest.mark.django_db

LISTS = ("", "flows/", "tasks/", "inbox/", "queue/", "archive/")


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def open_task(case_id):
    return CaseTask.objects.get(
        flow_task_type="HUMAN",
        process__artifact_object_id=case_id,
        finished__isnull=True,
        status__in=("NEW", "ASSIGNED"),
    )


@pytest.fixture
def two_departments(api, world):
    """An objection routed to the market department and one routed to the tax department, each claimed by its
    officer (so it is in an inbox, a dashboard column and the task list)."""
    market = file_objection(api, world)
    tax_record = a_record(world["a"], world["departments"]["tax"], facts="逾期未申报")
    response = api(world["applicant"]).post(
        "/api/v1/objections",
        {"record": tax_record.pk, "ground": "error", "statement": "已按期申报。", **SIGNED},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    tax = response.json()
    for case, officer in ((market, world["officer"]), (tax, world["officer_tax"])):
        task = open_task(case["id"])
        assert api(officer).post(f"/api/v1/tasks/{task.pk}/claim").status_code == 200
    return {"market": (market, open_task(market["id"])), "tax": (tax, open_task(tax["id"]))}


def process_url(task):
    return f"/workflow/objection/{task.process_id}/"


def task_urls(task):
    base = f"/workflow/objection/{task.process_id}/{task.flow_task.name}/{task.pk}/"
    return [base, base + "detail/", base + "assign/", base + "unassign/", base + "execute/"]


def test_another_departments_process_and_task_pages_are_404(world, two_departments):
    _tax_case, tax_task = two_departments["tax"]
    _market_case, market_task = two_departments["market"]
    officer = browser(world["officer"])
    for url in [process_url(tax_task), process_url(tax_task) + "chart/", process_url(tax_task) + "cancel/"]:
        assert officer.get(url).status_code == 404, url
    for url in task_urls(tax_task):
        assert officer.get(url).status_code == 404, url
        assert officer.post(url).status_code == 404, url
    # a task of another department's process reached through one's own process number is no way in either
    own_base = f"/workflow/objection/{market_task.process_id}/verify/{tax_task.pk}/"
    assert officer.get(own_base + "detail/").status_code == 404
    # one's own department's pages open
    assert officer.get(process_url(market_task)).status_code == 200
    assert officer.get(process_url(market_task) + "chart/").status_code == 200
    assert officer.get(task_urls(market_task)[1]).status_code == 200


def test_lists_and_dashboard_hold_only_the_departments_processes(world, two_departments):
    _market_case, market_task = two_departments["market"]
    _tax_case, tax_task = two_departments["tax"]
    pages = {
        "officer": {url: browser(world["officer"]).get(f"/workflow/objection/{url}") for url in LISTS},
        "officer_tax": {url: browser(world["officer_tax"]).get(f"/workflow/objection/{url}") for url in LISTS},
    }
    for who, own, other in (("officer", market_task, tax_task), ("officer_tax", tax_task, market_task)):
        for url, response in pages[who].items():
            assert response.status_code == 200, (who, url)
            html = response.content.decode()
            assert process_url(other) not in html, (who, url)
            assert task_urls(other)[0] not in html, (who, url)
        assert process_url(own) in pages[who]["flows/"].content.decode()
        for url in ("", "tasks/", "inbox/"):
            assert task_urls(own)[0] in pages[who][url].content.decode(), (who, url)


def test_the_credit_office_sees_every_department(world, two_departments):
    monitor = browser(world["monitor"])
    processes = monitor.get("/workflow/objection/flows/").content.decode()
    for _case, task in two_departments.values():
        assert process_url(task) in processes
        assert monitor.get(process_url(task)).status_code == 200
    tasks = monitor.get("/workflow/objection/tasks/").content.decode()
    assert all(task_urls(task)[0] in tasks for _case, task in two_departments.values())


def test_the_proposer_never_sees_nor_claims_the_review_of_their_own_proposal(api, world):
    case = file_objection(api, world)
    # a department head who may verify and approve proposes the outcome
    world["officer"].user_permissions.add(Permission.objects.get(codename="approve_objection"))
    head = User.objects.get(pk=world["officer"].pk)
    verify = task_of(api, head, case["id"])
    proposed = complete(api, head, verify["id"], {"outcome": "kept", "reasons": "信息准确，予以维持。"})
    assert proposed.status_code == 200, proposed.json()
    review = open_task(case["id"])
    assert review.flow_task.name == "review"

    # API: in none of the proposer's queues; claiming and completing are 404
    for queue in ("available", "team", "mine"):
        assert task_of(api, head, case["id"], queue=queue) is None, queue
    assert api(head).post(f"/api/v1/tasks/{review.pk}/claim").status_code == 404
    assert api(head).post(f"/api/v1/tasks/{review.pk}/complete", {"approve": True}, format="json").status_code == 404
    # pages: not in the queue or the inbox, and the pages to claim or work it are 404
    page = browser(head)
    for url in ("queue/", "inbox/"):
        html = page.get(f"/workflow/objection/{url}").content.decode()
        assert f"/{review.process_id}/review/{review.pk}/" not in html, url
    base = f"/workflow/objection/{review.process_id}/review/{review.pk}/"
    for url in (base + "assign/", base + "execute/"):
        assert page.get(url).status_code == 404, url
        assert page.post(url).status_code == 404, url
    # the case's service refuses it too (the same rule, owned by the objections app)
    with pytest.raises(ApplicationError) as refused:
        objection_review(objection=Objection.objects.get(pk=case["id"]), approve=True, acting_user=head)
    assert refused.value.code == "same_person"
    review.refresh_from_db()
    assert (review.status, review.owner_id) == ("NEW", None)

    # the other reviewer has it in their queue (API and page) and claims it
    assert task_of(api, world["reviewer"], case["id"])["id"] == review.pk
    reviewer_page = browser(world["reviewer"])
    assert (
        f"/{review.process_id}/review/{review.pk}/" in reviewer_page.get("/workflow/objection/queue/").content.decode()
    )
    assert reviewer_page.post(base + "assign/").status_code in (200, 302)
    review.refresh_from_db()
    assert review.owner_id == world["reviewer"].pk
