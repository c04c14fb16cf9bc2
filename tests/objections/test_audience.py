"""Every read of an objection is built for its reader: one enterprise never sees another's filing, and an applicant
never reads the office's internal work (usernames, proposals before approval, review comments, returns).

Through the API and the portal pages, as the people would read them."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.accounts.models import User

from .test_flow_api import PDF, complete, task_of

pytestmark = pytest.mark.django_db

FIRST = {
    "statement": "甲方陈述：处罚决定书载明的罚款金额为五千元整。",
    "contact_name": "李文华",
    "contact_phone": "13911112222",
    "commitment_signer_name": "王建国",
    "file": "甲方缴款凭证.pdf",
}
SECOND = {
    "statement": "乙方陈述：该信息与本单位另一条信息重复公示。",
    "contact_name": "赵小川",
    "contact_phone": "13822223333",
    "commitment_signer_name": "钱国栋",
    "file": "乙方重复公示证明.pdf",
}
ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def file(api, user, record, filing, **extra):
    body = {
        "record": record.pk,
        "ground": "error",
        "statement": filing["statement"],
        "contact_name": filing["contact_name"],
        "contact_phone": filing["contact_phone"],
        "commitment_accepted": True,
        "commitment_signer_name": filing["commitment_signer_name"],
        "files": [SimpleUploadedFile(filing["file"], pdf(filing["file"]), content_type="application/pdf")],
        **extra,
    }
    return api(user).post("/api/v1/objections", body, format="multipart")


def pdf(tag: str) -> bytes:
    """A PDF of its own (its own SHA-256)."""
    return PDF.replace(b"%%EOF", f"%{tag}\n%%EOF".encode())


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def reads_of(api, user, objection_id):
    """Everything `user` can read about the case, as text: the API (detail, list, subject pages, the case's open
    task) and the portal pages."""
    client, page = api(user), browser(user)
    texts = {
        "detail": client.get(f"/api/v1/objections/{objection_id}"),
        "list": client.get("/api/v1/objections"),
        "portal": page.get(f"/portal/objections/{objection_id}/"),
        "portal list": page.get("/portal/objections/"),
    }
    for uscc in {filing["subject"]["uscc"] for filing in texts["detail"].json()["filings"]}:
        texts[f"subject {uscc}"] = client.get(f"/api/v1/subjects/{uscc}")
    for task in _open_tasks(objection_id):
        texts[f"task {task}"] = client.get(f"/api/v1/tasks/{task}")
    for name, response in texts.items():
        assert response.status_code == 200, (name, response.status_code)
    return {name: response.content.decode() for name, response in texts.items()}


def _open_tasks(objection_id):
    from apps.casework.cases import case_open_tasks
    from apps.objections.models import Objection

    return [task.pk for task in case_open_tasks(case=Objection.objects.get(pk=objection_id))]


def assert_none_of(texts, needles, reader):
    for name, text in texts.items():
        for needle in needles:
            assert needle not in text, f"{reader} reads {needle!r} in {name}"


def test_a_joined_party_never_reads_the_first_filers_filing_nor_the_first_filer_the_joined_one(api, world):
    first = file(api, world["applicant"], world["record"], FIRST)
    assert first.status_code == 201, first.json()
    case_id = first.json()["id"]
    first_document = first.json()["documents"][0]
    first_commitment = first.json()["filings"][0]["commitment"]["id"]

    joined = file(api, world["applicant2"], world["record"], SECOND, subject=world["b"].uscc, ground="duplicate")
    assert joined.status_code == 200 and joined.json()["joined"] is True and joined.json()["id"] == case_id
    # the join answer: the joined party's own filing, nothing of the first filer's
    answer = joined.json()
    assert [f["statement"] for f in answer["filings"]] == [SECOND["statement"]]
    assert [d["name"] for d in answer["documents"]] == [SECOND["file"]]
    first_secrets = [*FIRST.values(), "applicant1", first_document["url"], first_document["sha256"]]
    assert_none_of({"join answer": joined.content.decode()}, first_secrets, "applicant2")
    second_document = answer["documents"][0]
    second_commitment = answer["filings"][0]["commitment"]["id"]

    # the office asks for more material once; the joined party answers with a file of its own
    task = task_of(api, world["officer"], case_id)
    complete(
        api, world["officer"], task["id"], {"action": "request_material", "request": "请提供重复公示的两条信息截图。"}
    )
    response = api(world["applicant2"]).post(
        f"/api/v1/objections/{case_id}/material",
        {
            "answer": "乙方补充说明：两条信息截图已附。",
            "files": [SimpleUploadedFile("乙方补充截图.pdf", pdf("补充"), content_type="application/pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    second_secrets = [
        *SECOND.values(),
        "乙方补充说明",
        "乙方补充截图",
        "applicant2",
        second_document["url"],
        second_document["sha256"],
    ]

    # every later read, API and pages, of each party: nothing of the other's filing
    assert_none_of(reads_of(api, world["applicant2"], case_id), first_secrets, "applicant2")
    assert_none_of(reads_of(api, world["applicant"], case_id), second_secrets, "applicant1")
    mine = api(world["applicant"]).get(f"/api/v1/objections/{case_id}").json()
    assert mine["material"]["answered_at"] and mine["material"]["answer"] == ""  # the clock runs again, that's all
    assert [f["statement"] for f in mine["filings"]] == [FIRST["statement"]]
    assert [d["name"] for d in mine["documents"]] == [FIRST["file"]]
    theirs = api(world["applicant2"]).get(f"/api/v1/objections/{case_id}").json()
    assert theirs["material"]["answer"] == "乙方补充说明：两条信息截图已附。"
    assert sorted(d["name"] for d in theirs["documents"]) == sorted([SECOND["file"], "乙方补充截图.pdf"])

    # the files and commitments themselves: each party its own, the other's is missing
    def download(user, document):
        return api(user).get(document["url"]).status_code

    assert download(world["applicant2"], first_document) == 404
    assert download(world["applicant"], second_document) == 404
    assert download(world["applicant"], first_document) == download(world["applicant2"], second_document) == 200
    for doc in theirs["documents"]:
        assert download(world["applicant"], doc) == 404
    assert api(world["applicant2"]).get(f"/api/v1/commitments/{first_commitment}").status_code == 404
    assert api(world["applicant"]).get(f"/api/v1/commitments/{second_commitment}").status_code == 404
    assert api(world["applicant"]).get(f"/api/v1/commitments/{first_commitment}").status_code == 200

    # the department and the credit office read both filings in full, and every file
    for reader in (world["officer"], world["monitor"]):
        full = api(reader).get(f"/api/v1/objections/{case_id}")
        text = full.content.decode()
        for needle in (FIRST["statement"], SECOND["contact_phone"], "钱国栋", "乙方补充说明", "applicant2"):
            assert needle in text, (reader.username, needle)
        assert len(full.json()["documents"]) == 3
        assert all(download(reader, doc) == 200 for doc in full.json()["documents"])
    # another department: nothing at all
    assert api(world["officer_tax"]).get(f"/api/v1/objections/{case_id}").status_code == 404
    assert download(world["officer_tax"], first_document) == download(world["officer_tax"], second_document) == 404
    assert browser(world["officer_tax"]).get(f"/portal/objections/{case_id}/").status_code == 404


def test_an_applicant_reads_no_internal_work_until_and_after_the_decision(api, world):
    for user, name in ((world["officer"], "王强"), (world["reviewer"], "刘洋")):
        User.objects.filter(pk=user.pk).update(display_name=name)
    case_id = file(api, world["applicant"], world["record"], FIRST).json()["id"]
    verify = task_of(api, world["officer"], case_id)
    assert api(world["officer"]).post(f"/api/v1/tasks/{verify['id']}/claim").status_code == 200
    complete(api, world["officer"], verify["id"], {"outcome": "kept", "reasons": "初拟理由：待补查档案。"})
    review = task_of(api, world["reviewer"], case_id)
    complete(api, world["reviewer"], review["id"], {"approve": False, "comment": "退回意见：请调取原始案卷。"})
    verify = task_of(api, world["officer"], case_id)
    complete(api, world["officer"], verify["id"], {"outcome": "kept", "reasons": "经核查，信息准确，予以维持。"})
    internal = [
        "officer1",
        "reviewer1",
        "王强",
        "刘洋",
        "初拟理由",
        "退回意见",
        "经核查，信息准确",  # proposed, not yet approved
        "review_comment",
        "proposed_by",
        "objection_review_returned",
        "objection_outcome_proposed",
        '"owner"',
        "uploaded_by",
    ]
    # under review: the applicant reads none of it, through any read it can reach
    texts = reads_of(api, world["applicant"], case_id)
    assert_none_of(texts, internal, "applicant1")
    assert not ISO_TIMESTAMP.search(texts["portal"]) and not ISO_TIMESTAMP.search(texts["portal list"])
    # a party follows the task of its case, but cannot act on it (and is not told who holds it)
    review = task_of(api, world["reviewer"], case_id)
    assert api(world["reviewer"]).post(f"/api/v1/tasks/{review['id']}/claim").status_code == 200
    for action in ("claim", "release", "complete"):
        refused = api(world["applicant"]).post(f"/api/v1/tasks/{review['id']}/{action}", {}, format="json")
        assert refused.status_code == 403 and "reviewer1" not in refused.content.decode()
    followed = api(world["applicant"]).get(f"/api/v1/tasks/{review['id']}").json()
    assert followed["step"] == "review" and "owner" not in followed and "actions" not in followed

    # staff of the handling department and the credit office read it all
    for reader in (world["officer"], world["monitor"]):
        staff = api(reader).get(f"/api/v1/objections/{case_id}").json()
        assert staff["outcome"]["reasons"] == "经核查，信息准确，予以维持。" and staff["outcome"]["proposals"] == 2
        returned = next(h for h in staff["history"] if h["kind"] == "objection_review_returned")
        assert returned["actor"] == "reviewer1" and returned["data"]["comment"] == "退回意见：请调取原始案卷。"
        assert staff["current_step"]["task"]["owner"] == "reviewer1"
        page = browser(reader).get(f"/portal/objections/{case_id}/").content.decode()
        assert "刘洋" in page and "王强" in page

    complete(api, world["reviewer"], review["id"], {"approve": True, "comment": "审核意见：同意维持。"})
    # decided: the outcome and its reasons reach the applicant; the review comment and the return never do
    decided = api(world["applicant"]).get(f"/api/v1/objections/{case_id}").json()
    assert decided["status"] == "closed"
    assert (decided["outcome"]["code"], decided["outcome"]["reasons"]) == ("kept", "经核查，信息准确，予以维持。")
    texts = reads_of(api, world["applicant"], case_id)
    assert_none_of(texts, [n for n in internal if n != "经核查，信息准确"] + ["审核意见"], "applicant1")
    kinds = [h["kind"] for h in decided["history"]]
    assert kinds == ["filed", "accepted", "decided", "letter_issued", "closed"]
    assert all(
        h["actor"] in ("申请人（企业）", "宜昌市市场监督管理局", "宜昌市市场监督管理局 审核人")
        for h in decided["history"]
    )
    staff = api(world["officer"]).get(f"/api/v1/objections/{case_id}").json()
    assert staff["outcome"]["review_comment"] == "审核意见：同意维持。"
    assert "审核意见：同意维持。" in json.dumps(staff, ensure_ascii=False)
