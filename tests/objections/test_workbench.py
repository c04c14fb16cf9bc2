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


def _verify_page(api, world):
    case = file_objection(api, world)
    task = CaseTask.objects.get(flow_task_type="HUMAN", process__artifact_object_id=case["id"])
    base = f"/workflow/objection/{task.process_id}/verify/{task.pk}/"
    officer = browser(world["officer"])
    assert officer.post(base + "assign/").status_code in (200, 302)
    return case, task, base, officer


def test_corrections_are_form_fields_per_record_field_and_reach_the_record_as_the_api_would(api, world):
    case, task, base, officer = _verify_page(api, world)
    html = officer.get(base + "execute/").content.decode()
    assert 'name="corrections"' not in html and "JSON" not in html
    for name in ("decision_no", "decision_date", "penalty_types", "facts", "legal_basis", "fine_amount", "severity"):
        assert f'name="correct_{name}"' in html, name
    assert "更正后的罚没金额（元）" in html and "更正后的决定日期" in html
    record = world["record"]
    assert f"原内容：{record.decision_no}" in html

    response = officer.post(
        base + "execute/",
        {
            "action": "propose",
            "outcome": "corrected",
            "reasons": "罚款金额登记错误，依处罚决定书更正。",
            "correct_fine_amount": "5000",
            "correct_penalty_types": "罚款\n警告",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    body = detail(api, world["officer"], case["id"])
    assert body["status"] == "reviewing"
    assert body["outcome"]["corrections"] == {"fine_amount": "5000.00", "penalty_types": ["罚款", "警告"]}

    # The reviewer's process page reads the proposed corrections by field name, and the rule with its source.
    page = browser(world["reviewer"]).get(f"/workflow/objection/{task.process_id}/").content.decode()
    assert "罚没金额（元）：5000.00" in page and "处罚种类：罚款、警告" in page
    assert "异议办结时限：5 个工作日（依据：" in page
    assert "fine_amount" not in page and "{&#x27;" not in page


def test_a_refused_correction_is_shown_under_its_field_and_keeps_the_entries(api, world):
    _case, _task, base, officer = _verify_page(api, world)
    record = world["record"]
    response = officer.post(
        base + "execute/",
        {
            "action": "propose",
            "outcome": "corrected",
            "reasons": "更正文书号。",
            "correct_decision_no": record.decision_no,  # unchanged: the subjects service refuses it
            "correct_fine_amount": "12.50",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["correct_decision_no"] == ["与原内容相同，无需更正。"]
    assert form["correct_fine_amount"].value() == "12.50"

    response = officer.post(base + "execute/", {"action": "propose", "outcome": "corrected", "reasons": "更正。"})
    assert response.status_code == 200
    assert "请至少填写一项更正后的内容" in str(response.context["form"].non_field_errors())

    response = officer.post(
        base + "execute/",
        {"action": "propose", "outcome": "kept", "reasons": "维持。", "correct_fine_amount": "abc"},
    )
    assert response.status_code == 200
    assert "correct_fine_amount" in response.context["form"].errors
