"""The whole case over HTTP: verification by the source department, material once (clock paused), review by a
different person, the outcome on the record, the reply letter, the history; and what other departments cannot see."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.core.selectors import audit_chain_breaks
from apps.subjects.models import NegativeRecord
from tests.subjects.factories import a_record

pytestmark = pytest.mark.django_db

SIGNED = {"commitment_accepted": True, "commitment_signer_name": "张敏"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def a_pdf(name="缴款凭证.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file_objection(api, world, **extra):
    body = {"record": world["record"].pk, "ground": "error", "statement": "罚款金额登记错误。", **SIGNED, **extra}
    response = api(world["applicant"]).post("/api/v1/objections", body, format="multipart")
    assert response.status_code == 201, response.json()
    return response.json()


def task_of(api, user, objection_id, queue="available"):
    rows = api(user).get("/api/v1/tasks", {"queue": queue}).json()["results"]
    return next((row for row in rows if row["case"] and row["case"]["id"] == objection_id), None)


def complete(api, user, task_id, payload):
    return api(user).post(f"/api/v1/tasks/{task_id}/complete", payload, format="json")


def detail(api, user, objection_id):
    return api(user).get(f"/api/v1/objections/{objection_id}").json()


def test_corrected_end_to_end(api, world, clock):
    clock.set("2026-10-12 09:00")
    case = file_objection(api, world, files=[a_pdf("处罚决定书.pdf")])
    assert case["due_date"] == "2026-10-19"
    assert [d["name"] for d in case["documents"]] == ["处罚决定书.pdf"]

    # routed to the market department: its officer has the task, the tax officer neither the task nor the file
    task = task_of(api, world["officer"], case["id"])
    assert task is not None and task["step"] == "verify"
    assert task_of(api, world["officer_tax"], case["id"]) is None
    assert api(world["officer_tax"]).get(f"/api/v1/tasks/{task['id']}").status_code == 404
    assert api(world["officer_tax"]).post(f"/api/v1/tasks/{task['id']}/claim").status_code == 404
    document_id = case["documents"][0]["id"]
    assert api(world["officer_tax"]).get(f"/api/v1/documents/{document_id}").status_code == 404
    assert api(world["officer"]).get(f"/api/v1/documents/{document_id}").status_code == 200
    assert task_of(api, world["reviewer"], case["id"]) is None  # verification is the officer's step

    # more material, once: the clock stops
    clock.set("2026-10-13 10:00")
    response = complete(
        api, world["officer"], task["id"], {"action": "request_material", "request": "请提供缴款凭证。"}
    )
    assert response.status_code == 200, response.json()
    paused = detail(api, world["applicant"], case["id"])
    assert paused["status"] == "awaiting_material"
    assert paused["pauses"][0]["ended_at"] is None and paused["clock"]["status"] == "paused"

    clock.set("2026-10-15 10:00")
    response = api(world["applicant"]).post(
        f"/api/v1/objections/{case['id']}/material",
        {"answer": "已补充缴款凭证。", "files": [a_pdf()]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    resumed = response.json()
    assert resumed["status"] == "verifying" and resumed["due_date"] == "2026-10-21"
    assert resumed["pauses"][0]["working_days"] == 2

    task = task_of(api, world["officer"], case["id"], queue="mine")  # the same officer resumes
    assert task["step"] == "verify"
    again = complete(api, world["officer"], task["id"], {"action": "request_material", "request": "再补一次"})
    assert again.status_code == 409
    assert detail(api, world["officer"], case["id"])["status"] == "verifying"

    clock.set("2026-10-16 10:00")
    response = complete(
        api,
        world["officer"],
        task["id"],
        {"outcome": "corrected", "reasons": "经核查，罚款金额登记有误。", "corrections": {"fine_amount": "5000.00"}},
    )
    assert response.status_code == 200, response.json()

    # the proposer never approves: the review of their own proposal does not exist for them (404), with the
    # reviewer role or without it, and is in none of their queues
    review = task_of(api, world["reviewer"], case["id"])
    assert review is not None and review["step"] == "review"
    refused = complete(api, world["officer"], review["id"], {"approve": True})
    assert refused.status_code == 404
    world["officer"].user_permissions.add(Permission.objects.get(codename="approve_objection"))
    head = User.objects.get(pk=world["officer"].pk)  # a department head who may both verify and approve
    assert task_of(api, head, case["id"]) is None and task_of(api, head, case["id"], queue="team") is None
    assert api(head).post(f"/api/v1/tasks/{review['id']}/claim").status_code == 404
    refused = complete(api, head, review["id"], {"approve": True})
    assert refused.status_code == 404
    state = detail(api, world["officer"], case["id"])
    assert state["status"] == "reviewing" and state["current_step"]["task"]["owner"] is None

    clock.set("2026-10-19 11:00")
    response = complete(api, world["reviewer"], review["id"], {"approve": True, "comment": "同意更正。"})
    assert response.status_code == 200, response.json()

    closed = detail(api, world["applicant"], case["id"])
    assert closed["status"] == "closed" and closed["closed_on_time"] is True
    assert closed["outcome"]["code"] == "corrected"
    assert [letter["recipient"]["uscc"] for letter in closed["letters"]] == [world["a"].uscc]
    record = api(world["applicant"]).get(f"/api/v1/records/{world['record'].pk}").json()
    assert record["decision"]["fine_amount"] == "5000.00"
    assert record["status"]["under_objection"] is False

    # the applicant reads outward events in plain words: the department and role, never a username
    outward = [(h["kind"], h["actor"]) for h in closed["history"]]
    assert outward == [
        ("filed", "申请人（企业）"),
        ("accepted", "宜昌市市场监督管理局"),
        ("supplement_requested", "宜昌市市场监督管理局 承办人"),
        ("supplement_answered", "申请人（企业）"),
        ("decided", "宜昌市市场监督管理局 审核人"),
        ("letter_issued", "宜昌市市场监督管理局"),
        ("closed", "宜昌市市场监督管理局 审核人"),
    ]
    assert all(h["at"] and h["label"] for h in closed["history"])
    staff = detail(api, world["officer"], case["id"])
    history = {(h["kind"], h["actor"]) for h in staff["history"]}
    assert {
        ("objection_filed", "applicant1"),
        ("objection_material_requested", "officer1"),
        ("objection_material_submitted", "applicant1"),
        ("objection_outcome_proposed", "officer1"),
        ("objection_review_approved", "reviewer1"),
        ("record_objection_corrected", "reviewer1"),
        ("objection_replied", "reviewer1"),
        ("objection_closed", "reviewer1"),
    } <= history
    assert all(h["at"] for h in staff["history"])
    corrected = next(h for h in staff["history"] if h["kind"] == "record_objection_corrected")
    assert corrected["data"]["before"]["fine_amount"] is None and corrected["data"]["after"]["fine_amount"] == "5000.00"
    assert list(audit_chain_breaks()) == []


@pytest.mark.parametrize(
    ("outcome", "extra", "publication", "sharing", "objection_status"),
    [
        ("kept", {}, "published", "sharing", "none"),
        ("deleted", {}, "deleted", "stopped", "none"),
        ("unconfirmed", {"finding": "原始案卷已移交档案馆，暂无法核实。"}, "published", "sharing", "unconfirmed"),
    ],
)
def test_each_outcome_reaches_the_record_and_sends_a_reply(
    api, world, outcome, extra, publication, sharing, objection_status
):
    case = file_objection(api, world)
    task = task_of(api, world["officer"], case["id"])
    assert (
        complete(api, world["officer"], task["id"], {"outcome": outcome, "reasons": "经核查。", **extra}).status_code
        == 200
    )
    assert detail(api, world["officer"], case["id"])["record"]["under_objection"] is True  # until the case ends
    review = task_of(api, world["reviewer"], case["id"])
    assert complete(api, world["reviewer"], review["id"], {"approve": True}).status_code == 200
    record = NegativeRecord.objects.get(pk=world["record"].pk)
    assert (record.publication_status, record.sharing_status, record.objection_status) == (
        publication,
        sharing,
        objection_status,
    )
    if outcome == "unconfirmed":
        assert record.objection_finding == extra["finding"]
        shown = api(world["applicant"]).get(f"/api/v1/records/{record.pk}").json()["status"]
        assert shown["objection"] == "unconfirmed" and shown["objection_finding"] == extra["finding"]
    closed = detail(api, world["applicant"], case["id"])
    assert closed["status"] == "closed" and len(closed["letters"]) == 1
    assert closed["outcome"]["display"]


def test_returned_review_goes_back_to_verification(api, world):
    case = file_objection(api, world)
    task = task_of(api, world["officer"], case["id"])
    complete(api, world["officer"], task["id"], {"outcome": "kept", "reasons": "信息准确。"})
    review = task_of(api, world["reviewer"], case["id"])
    refused = complete(api, world["reviewer"], review["id"], {"approve": False})
    assert refused.status_code == 400 and "comment" in refused.json()["fields"]
    response = complete(api, world["reviewer"], review["id"], {"approve": False, "comment": "请补充核查依据。"})
    assert response.status_code == 200, response.json()
    back = detail(api, world["officer"], case["id"])
    assert back["status"] == "verifying" and back["current_step"]["task"]["step"] == "verify"


def test_joined_party_gets_its_own_reply_letter(api, world):
    case = file_objection(api, world)
    joined = api(world["applicant2"]).post(
        "/api/v1/objections",
        {
            "record": world["record"].pk,
            "subject": world["b"].uscc,
            "ground": "duplicate",
            "statement": "该信息重复公示。",
            **SIGNED,
        },
        format="json",
    )
    assert joined.status_code == 200 and joined.json()["id"] == case["id"]
    task = task_of(api, world["officer"], case["id"])
    complete(api, world["officer"], task["id"], {"outcome": "deleted", "reasons": "重复公示，予以删除。"})
    review = task_of(api, world["reviewer"], case["id"])
    complete(api, world["reviewer"], review["id"], {"approve": True})
    letters = detail(api, world["officer"], case["id"])["letters"]
    assert sorted(letter["recipient"]["uscc"] for letter in letters) == sorted([world["a"].uscc, world["b"].uscc])
    # each applicant sees the letters addressed to their subject
    assert [letter["recipient"]["uscc"] for letter in detail(api, world["applicant2"], case["id"])["letters"]] == [
        world["b"].uscc
    ]


def test_bad_task_input_is_400_naming_the_field(api, world):
    case = file_objection(api, world)
    task = task_of(api, world["officer"], case["id"])
    for payload, field in [
        ({"outcome": "maybe", "reasons": "x"}, "outcome"),
        ({"outcome": "kept"}, "reasons"),
        (
            {"outcome": "corrected", "reasons": "x", "corrections": {"decision_date": "yesterday"}},
            "corrections.decision_date",
        ),
        ({"outcome": "unconfirmed", "reasons": "x"}, "finding"),
        ({"action": "request_material"}, "request"),
    ]:
        response = complete(api, world["officer"], task["id"], payload)
        assert response.status_code == 400, (payload, response.content)
        assert field in response.json()["fields"], (payload, response.json())
    assert detail(api, world["officer"], case["id"])["status"] == "verifying"


def test_idempotent_filing_returns_the_first_answer(api, world):
    client = api(world["applicant"])
    body = {"record": world["record"].pk, "ground": "error", "statement": "罚款金额登记错误。", **SIGNED}
    first = client.post("/api/v1/objections", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/objections", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other = client.post(
        "/api/v1/objections", {**body, "statement": "另一内容"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422


def test_upload_that_is_not_a_pdf_is_400(api, world):
    fake = SimpleUploadedFile("证明.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = api(world["applicant"]).post(
        "/api/v1/objections",
        {"record": world["record"].pk, "ground": "error", "statement": "x", "files": [fake], **SIGNED},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.json()["fields"]
    assert NegativeRecord.objects.get(pk=world["record"].pk).objection_status == "none"


def test_the_reply_letter_is_rendered_for_the_applicant_only(api, world, django_capture_on_commit_callbacks):
    case = file_objection(api, world)
    task = task_of(api, world["officer"], case["id"])
    complete(api, world["officer"], task["id"], {"outcome": "kept", "reasons": "经核查，信息准确，予以维持。"})
    review = task_of(api, world["reviewer"], case["id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert complete(api, world["reviewer"], review["id"], {"approve": True}).status_code == 200
    letter = detail(api, world["applicant"], case["id"])["letters"][0]
    pdf = api(world["applicant"]).get(letter["url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(
        b"%PDF"
    )
    assert api(world["officer_tax"]).get(letter["url"]).status_code == 404
    assert api(world["applicant2"]).get(letter["url"]).status_code == 404


def test_list_endpoint_query_budget(api, world, django_assert_max_num_queries):
    for _ in range(3):
        file_objection(api, world)
        world["record"] = a_record(world["a"], world["departments"]["market"])
    with django_assert_max_num_queries(12):
        body = api(world["officer"]).get("/api/v1/objections").json()
    assert body["count"] == 3
