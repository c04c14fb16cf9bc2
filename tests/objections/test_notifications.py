"""An objection's parties are told when the office asks for material and when the reply is issued, with a link to
the case page they can open; another enterprise's account is told nothing."""

import pytest

from apps.notifications.models import Kind
from tests.objections.test_flow_api import a_pdf, complete, file_objection, task_of

pytestmark = pytest.mark.django_db


def _inbox(api, user):
    return api(user).get("/api/v1/notifications").json()


def test_material_request_and_reply_reach_the_applicant(api, world):
    case = file_objection(api, world)
    task = task_of(api, world["officer"], case["id"])
    payload = {"action": "request_material", "request": "请提供缴款凭证。"}
    assert complete(api, world["officer"], task["id"], payload).status_code == 200
    (asked,) = _inbox(api, world["applicant"])["results"]
    assert asked["kind"] == Kind.MATERIAL_REQUESTED and "请提供缴款凭证。" in asked["body"]
    assert asked["url"] == f"/portal/objections/{case['id']}/"
    page = api(world["applicant"])
    page.force_login(world["applicant"])
    assert page.get(asked["url"]).status_code == 200

    upload = api(world["applicant"]).post(
        f"/api/v1/objections/{case['id']}/material",
        {"answer": "已补充缴款凭证。", "files": [a_pdf()]},
        format="multipart",
    )
    assert upload.status_code in (200, 201), upload.json()
    task = task_of(api, world["officer"], case["id"], queue="mine")  # the resumed step stays with its officer
    assert complete(api, world["officer"], task["id"], {"outcome": "kept", "reasons": "经核查。"}).status_code == 200
    review = task_of(api, world["reviewer"], case["id"])
    assert complete(api, world["reviewer"], review["id"], {"approve": True}).status_code == 200
    kinds = [n["kind"] for n in _inbox(api, world["applicant"])["results"]]
    assert kinds == [Kind.DECISION_ISSUED, Kind.MATERIAL_REQUESTED]
    assert _inbox(api, world["applicant2"])["count"] == 0
