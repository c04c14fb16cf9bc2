"""Applicant portal pages: file online, see the mark, follow step, due date, pauses and letters."""

import pytest
from django.test import Client

from apps.objections.models import Objection

from .test_flow_api import SIGNED, complete, file_objection, task_of

pytestmark = pytest.mark.django_db


def _cn(day) -> str:
    """A date as the pages show it: 2026年12月9日."""
    return f"{day.year}年{day.month}月{day.day}日"


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_file_from_the_portal_and_see_the_mark(world):
    client = browser(world["applicant"])
    page = client.get("/portal/objections/")
    assert page.status_code == 200 and "提出异议" in page.content.decode()
    form = client.get(f"/portal/objections/new/?record={world['record'].pk}")
    assert form.status_code == 200 and "异议申诉承诺书" in form.content.decode()
    response = client.post(
        "/portal/objections/new/",
        {
            "record": world["record"].pk,
            "subject": world["a"].uscc,
            "ground": "error",
            "statement": "罚款金额登记错误。",
            "commitment_signer_capacity": "法定代表人",
            **SIGNED,
        },
    )
    objection = Objection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/objections/{objection.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert objection.reference in detail and "异议处理中" in detail and _cn(objection.due_date) in detail
    listing = client.get("/portal/objections/").content.decode()
    assert objection.reference in listing and "异议处理中" in listing
    assert world["record"].decision_no in listing and _cn(objection.due_date) in listing


def test_the_same_subject_again_is_sent_to_the_open_case(world):
    client = browser(world["applicant"])
    body = {"record": world["record"].pk, "subject": world["a"].uscc, "ground": "error", "statement": "x", **SIGNED}
    body["commitment_signer_capacity"] = "法定代表人"
    client.post("/portal/objections/new/", body)
    again = client.post("/portal/objections/new/", body)
    assert again.status_code == 302 and again["Location"] == f"/portal/objections/{Objection.objects.get().pk}/"
    assert Objection.objects.count() == 1


def test_portal_form_errors_name_the_field(world):
    client = browser(world["applicant"])
    response = client.post("/portal/objections/new/", {"record": world["record"].pk, "subject": world["a"].uscc})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {
        "ground",
        "statement",
        "commitment_accepted",
        "commitment_signer_name",
    }


def test_pause_and_material_then_letters_on_the_portal(api, world, clock):
    clock.set("2026-10-12 09:00")
    case = file_objection(api, world)
    task = task_of(api, world["officer"], case["id"])
    clock.set("2026-10-13 10:00")
    complete(api, world["officer"], task["id"], {"action": "request_material", "request": "请提供缴款凭证。"})
    client = browser(world["applicant"])
    page = client.get(f"/portal/objections/{case['id']}/").content.decode()
    assert "请提供缴款凭证。" in page and "计时暂停" in page
    clock.set("2026-10-15 10:00")
    response = client.post(f"/portal/objections/{case['id']}/material/", {"answer": "已补充缴款凭证。"})
    assert response.status_code == 302
    task = task_of(api, world["officer"], case["id"], queue="mine")  # the same officer resumes
    complete(api, world["officer"], task["id"], {"outcome": "kept", "reasons": "信息准确，予以维持。"})
    review = task_of(api, world["reviewer"], case["id"])
    complete(api, world["reviewer"], review["id"], {"approve": True})
    page = client.get(f"/portal/objections/{case['id']}/").content.decode()
    assert "异议处理答复函" in page and "维持" in page and "2026年10月21日" in page


def test_other_people_get_404_on_the_portal(api, world):
    case = file_objection(api, world)
    assert browser(world["applicant2"]).get(f"/portal/objections/{case['id']}/").status_code == 404
    assert browser(world["officer_tax"]).get(f"/portal/objections/{case['id']}/").status_code == 404
    assert browser(world["officer"]).get(f"/portal/objections/{case['id']}/").status_code == 200
    assert browser(world["applicant2"]).get(f"/portal/objections/{case['id']}/material/").status_code == 404


def test_a_clerk_enters_a_counter_filing_on_the_portal(world):
    client = browser(world["clerk"])
    body = {
        "record": world["record"].pk,
        "subject": world["a"].uscc,
        "ground": "omission",
        "statement": "窗口代办。",
        **SIGNED,
    }
    body.update(commitment_signer_capacity="委托代理人", contact_name="王伟", contact_phone="0717-6221234")
    response = client.post("/portal/objections/new/", body)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    objection = Objection.objects.get()
    assert objection.channel == "counter" and objection.filed_by == world["clerk"] and objection.applicant is None
    assert client.get(response["Location"]).status_code == 200
