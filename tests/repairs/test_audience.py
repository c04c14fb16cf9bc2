"""A repair case read by its applicant holds no staff username and none of the office's internal work
(verification notes, proposals, review comments, returns for revision); staff of the handling department and the
credit office read all of it; another department nothing. Through the API and the portal pages."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.accounts.models import User
from apps.casework.cases import case_open_tasks
from apps.repairs.models import RepairCase
from tests.repairs.conftest import PDF, filing
from tests.repairs.helpers import complete, task_of

ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
INTERNAL = [
    "officer1",
    "reviewer1",
    "officer_tax",
    "王强",
    "刘洋",
    "核查意见：缴款凭证与财政票据一致",
    "拟办理由：整改到位",
    "退回意见：请补充现场核查记录",
    "审核意见：同意修复",
    "repair_verified",
    "repair_proposed",
    "repair_review_returned",
    '"verification":{',
    '"proposal":{',
    '"review":{',
    "（内部）",
    "filed_by",
    "uploaded_by",
    "confirmed_by",
    '"owner"',
    "notices",
]


def _browser(user):
    client = Client()
    client.force_login(user)
    return client


def _reads(api, user, case_id, uscc):
    """Every read of the case `user` can reach, as text."""
    client, page = api(user), _browser(user)
    responses = {
        "detail": client.get(f"/api/v1/repairs/{case_id}"),
        "list": client.get("/api/v1/repairs"),
        "subject": client.get(f"/api/v1/subjects/{uscc}"),
        "tasks": client.get("/api/v1/tasks?queue=available"),
        "portal": page.get(f"/portal/repairs/{case_id}/"),
        "portal list": page.get("/portal/repairs/"),
    }
    for task in case_open_tasks(case=RepairCase.objects.get(pk=case_id)):
        responses[f"task {task.pk}"] = client.get(f"/api/v1/tasks/{task.pk}")
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 200)
    return {name: r.content.decode() for name, r in responses.items()}


def _assert_none_of(texts, needles):
    for name, text in texts.items():
        for needle in needles:
            assert needle not in text, f"the applicant reads {needle!r} in {name}"


def test_the_applicant_reads_no_internal_work_staff_and_the_office_read_it_all(clock, users, world, api):
    for user, name in ((users["officer"], "王强"), (users["reviewer"], "刘洋")):
        User.objects.filter(pk=user.pk).update(display_name=name)
    evidence = SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf")
    body = api(users["applicant"]).post(
        "/api/v1/repairs", {**filing(world["record"]), "evidence": [evidence]}, format="multipart"
    )
    assert body.status_code == 201, body.json()
    case_id, uscc = body.json()["id"], world["subject"].uscc
    officer, reviewer = api(users["officer"]), api(users["reviewer"])
    complete(officer, case_id, "intake", {"decision": "accept"})
    complete(
        officer,
        case_id,
        "verify",
        {"obligations_fulfilled": True, "commitment_valid": True, "note": "核查意见：缴款凭证与财政票据一致"},
        queue="mine",
    )
    complete(officer, case_id, "propose", {"outcome": "approve", "reasons": "拟办理由：整改到位"}, queue="mine")
    complete(reviewer, case_id, "review", {"outcome": "return", "note": "退回意见：请补充现场核查记录"})
    assert officer.post(f"/api/v1/tasks/{task_of(officer, case_id, 'propose')}/claim").status_code == 200

    # returned for revision, a task held by officer1: the applicant reads where it stands, nothing of the why
    texts = _reads(api, users["applicant"], case_id, uscc)
    _assert_none_of(texts, INTERNAL)
    assert not ISO_TIMESTAMP.search(texts["portal"]) and not ISO_TIMESTAMP.search(texts["portal list"])
    detail = api(users["applicant"]).get(f"/api/v1/repairs/{case_id}").json()
    assert detail["status"] == "proposal" and detail["current_step"]["label"] == "拟办"
    assert [d["name"] for d in detail["documents"]] == ["缴款凭证.pdf"]
    assert [(h["kind"], h["actor"]) for h in detail["history"]][:2] == [
        ("filed", "申请人（企业）"),
        ("accepted", "宜昌市市场监督管理局 承办人"),
    ]
    assert api(users["applicant"]).get(detail["documents"][0]["url"]).status_code == 200

    # the handling department and the credit office read it all
    for reader in (users["officer"], users["monitor"]):
        staff = api(reader).get(f"/api/v1/repairs/{case_id}").json()
        assert staff["verification"]["note"] == "核查意见：缴款凭证与财政票据一致"
        assert staff["proposal"]["by"] == "officer1" and staff["review"]["note"] == "退回意见：请补充现场核查记录"
        assert staff["current_step"]["tasks"][0]["owner"] == "officer1"
        returned = next(h for h in staff["history"] if h["kind"] == "repair_review_returned")
        assert (returned["actor"], returned["data"]["note"]) == ("reviewer1", "退回意见：请补充现场核查记录")
        assert staff["documents"][0]["uploaded_by"] == "applicant1"
        page = _browser(reader).get(f"/portal/repairs/{case_id}/").content.decode()
        assert "退回意见：请补充现场核查记录" in page and "核查意见：缴款凭证与财政票据一致" in page
    # another department: 404 on the case, its page, its file
    tax = api(users["officer_tax"])
    assert tax.get(f"/api/v1/repairs/{case_id}").status_code == 404
    assert tax.get(detail["documents"][0]["url"]).status_code == 404
    assert _browser(users["officer_tax"]).get(f"/portal/repairs/{case_id}/").status_code == 404

    complete(officer, case_id, "propose", {"outcome": "approve", "reasons": "拟办理由：整改到位"}, queue="mine")
    complete(reviewer, case_id, "review", {"outcome": "approve", "note": "审核意见：同意修复"})
    # decided: the decision and its letter reach the applicant, the office's reasoning does not
    texts = _reads(api, users["applicant"], case_id, uscc)
    _assert_none_of(texts, INTERNAL)
    decided = api(users["applicant"]).get(f"/api/v1/repairs/{case_id}").json()
    assert decided["outcome"] == "approve" and decided["decided_at"]
    outward = [h["kind"] for h in decided["history"]]
    assert outward[-2:] == ["decided", "letter_issued"] and "repair_decision" in {x["code"] for x in decided["letters"]}
    assert "予以信用修复" in texts["portal"]
