"""The process page and the task card read in plain words (no model dump, no API keys), and link to the staff case
page, which shows every uploaded material in the page (PDF in a frame from our own inline download)."""

import pytest
from django.test import Client

from apps.casework.models import CaseTask, Document
from apps.objections.models import Objection

from .test_flow_api import a_pdf, file_objection

pytestmark = pytest.mark.django_db

RAW = ("api_url", "uscc", "[]", "False", "True", "None", "repairs.", "objections.objection:", "{'")


def browser(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def claimed(api, world, clock):
    clock.set("2026-10-12 09:00")
    case = file_objection(api, world, files=[a_pdf("处罚决定书.pdf")])
    task = CaseTask.objects.get(flow_task_type="HUMAN", process__artifact_object_id=case["id"], status="NEW")
    assert api(world["officer"]).post(f"/api/v1/tasks/{task.pk}/claim").status_code == 200
    return Objection.objects.get(pk=case["id"]), task


def case_page_url(objection):
    return f"/workbench/cases/objections.objection/{objection.pk}/"


def test_process_page_and_task_card_read_in_plain_words(world, claimed):
    objection, task = claimed
    officer = browser(world["officer"])
    for url in (
        f"/workflow/objection/{task.process_id}/",
        f"/workflow/objection/{task.process_id}/{task.flow_task.name}/{task.pk}/execute/",
    ):
        response = officer.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert objection.reference in html, url
        assert "宜昌三峡鑫源商贸有限公司" in html, url
        assert "2026年10月19日" in html, url
        assert f'href="{case_page_url(objection)}"' in html and "查看案件" in html, url
        for raw in RAW:
            assert raw not in html, (url, raw)


def test_the_case_page_shows_each_material_inline(world, claimed):
    objection, _task = claimed
    document = Document.objects.get(case_type="objections.objection", case_id=objection.pk)
    officer = browser(world["officer"])
    html = officer.get(case_page_url(objection)).content.decode()
    assert objection.reference in html
    assert "处罚决定书.pdf" in html
    assert f'<iframe src="/workbench/documents/{document.pk}/inline"' in html

    inline = officer.get(f"/workbench/documents/{document.pk}/inline")
    assert inline.status_code == 200
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in inline["Content-Security-Policy"]
    assert b"".join(inline.streaming_content).startswith(b"%PDF")


def test_another_department_and_the_applicant_do_not_get_the_case_page(world, claimed):
    objection, _task = claimed
    document = Document.objects.get(case_type="objections.objection", case_id=objection.pk)
    tax = browser(world["officer_tax"])
    assert tax.get(case_page_url(objection)).status_code == 404
    assert tax.get(f"/workbench/documents/{document.pk}/inline").status_code == 404
    assert browser(world["applicant"]).get(case_page_url(objection)).status_code == 403
    assert browser(world["officer"]).get("/workbench/cases/nothing.here/1/").status_code == 404


def test_kanban_cards_are_titled_by_case_reference_and_enterprise(world, claimed):
    objection, task = claimed
    html = browser(world["officer"]).get("/workflow/objection/").content.decode()
    assert objection.reference in html and "宜昌三峡鑫源商贸有限公司" in html
    assert f"#{task.process_id}/{task.pk}" not in html
    assert "2026年10月19日" in html  # the step's due date on the card
