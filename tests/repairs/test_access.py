"""Four eyes, departments and enterprises: who may see and do what."""

from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from apps.repairs.models import RepairCase
from tests.repairs.conftest import PDF, filing
from tests.repairs.helpers import complete, status, task_of


def _file(api, users, world, **extra):
    response = api(users["applicant"]).post("/api/v1/repairs", {**filing(world["record"]), **extra}, format="multipart")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_proposer_can_never_approve_their_own_proposal(clock, users, world, api):
    case_id = _file(api, users, world)["id"]
    officer, admin = api(users["officer"]), api(users["admin"])
    complete(officer, case_id, "intake", {"decision": "accept"})
    complete(officer, case_id, "verify", {"obligations_fulfilled": True, "commitment_valid": True}, queue="mine")
    # the propose step came to the officer (same role); they give it back for the administrator to take
    propose = task_of(officer, case_id, "propose", queue="mine")
    assert officer.post(f"/api/v1/tasks/{propose}/release").status_code == 200
    # the administrator holds every permission and proposes: the review of their own proposal is in none of their
    # queues, and claiming or completing it is a 404 (it is not theirs)
    complete(admin, case_id, "propose", {"outcome": "approve", "reasons": "符合条件"})
    review_task = task_of(api(users["reviewer"]), case_id, "review")
    for queue in ("available", "team", "mine"):
        rows = admin.get(f"/api/v1/tasks?queue={queue}&page_size=200").json()["results"]
        assert review_task not in [row["id"] for row in rows]
    before = Task.objects.get(pk=review_task)
    assert admin.post(f"/api/v1/tasks/{review_task}/claim").status_code == 404
    response = admin.post(f"/api/v1/tasks/{review_task}/complete", {"outcome": "approve"}, format="json")
    assert response.status_code == 404
    after = Task.objects.get(pk=review_task)
    assert (after.status, after.owner_id) == (before.status, before.owner_id) == (STATUS.NEW, None)
    case = RepairCase.objects.get(pk=case_id)
    assert case.status == RepairCase.Status.REVIEW and case.reviewed_by is None
    # an officer has no review role at all
    assert officer.post(f"/api/v1/tasks/{review_task}/claim").status_code == 403
    assert (
        officer.post(f"/api/v1/tasks/{review_task}/complete", {"outcome": "approve"}, format="json").status_code == 403
    )
    assert status(case_id) == RepairCase.Status.REVIEW
    # someone else may
    complete(api(users["reviewer"]), case_id, "review", {"outcome": "approve"})
    assert status(case_id) == RepairCase.Status.EXECUTION


def test_a_returned_proposal_goes_back_to_the_proposer_step(clock, users, world, api):
    case_id = _file(api, users, world)["id"]
    officer, reviewer = api(users["officer"]), api(users["reviewer"])
    complete(officer, case_id, "intake", {"decision": "accept"})
    complete(officer, case_id, "verify", {"obligations_fulfilled": True, "commitment_valid": True}, queue="mine")
    complete(officer, case_id, "propose", {"outcome": "approve", "reasons": "符合条件"}, queue="mine")
    assert (
        reviewer.post(
            f"/api/v1/tasks/{task_of(reviewer, case_id, 'review')}/complete", {"outcome": "return"}, format="json"
        ).status_code
        == 400
    )  # a return needs a note
    complete(reviewer, case_id, "review", {"outcome": "return", "note": "请补充缴款凭证核查情况"})
    assert status(case_id) == RepairCase.Status.PROPOSAL
    complete(officer, case_id, "propose", {"outcome": "refuse", "reasons": "罚款未缴清"})
    complete(reviewer, case_id, "review", {"outcome": "approve"})
    case = RepairCase.objects.get(pk=case_id)
    assert case.status == RepairCase.Status.REFUSED and case.refusal_reasons == ["罚款未缴清"]
    codes = {row["code"] for row in api(users["applicant"]).get(f"/api/v1/repairs/{case_id}").json()["letters"]}
    assert "refusal_notice" in codes


def test_approval_needs_verified_conditions(clock, users, world, api):
    case_id = _file(api, users, world)["id"]
    officer = api(users["officer"])
    complete(officer, case_id, "intake", {"decision": "accept"})
    complete(officer, case_id, "verify", {"obligations_fulfilled": False, "commitment_valid": True}, queue="mine")
    response = complete(officer, case_id, "propose", {"outcome": "approve"}, queue="mine", expect=400)
    assert response.json()["error"] == "repair_conditions_not_met"
    assert status(case_id) == RepairCase.Status.PROPOSAL


def test_another_department_gets_404_on_the_case_its_files_and_its_tasks(clock, users, world, api):
    upload = SimpleUploadedFile("凭证.pdf", PDF, content_type="application/pdf")
    body = _file(api, users, world, evidence=[upload])
    case_id, document = body["id"], body["documents"][0]
    tax = api(users["officer_tax"])
    intake = task_of(api(users["officer"]), case_id, "intake")
    assert tax.get(f"/api/v1/repairs/{case_id}").status_code == 404
    assert tax.get(document["url"]).status_code == 404
    assert tax.get(f"/api/v1/tasks/{intake}").status_code == 404
    assert tax.post(f"/api/v1/tasks/{intake}/claim").status_code == 404
    assert tax.post(f"/api/v1/tasks/{intake}/complete", {"decision": "accept"}, format="json").status_code == 404
    for queue in ("available", "team", "mine"):
        assert tax.get(f"/api/v1/tasks?queue={queue}").json()["count"] == 0
    assert tax.get("/api/v1/repairs").json()["count"] == 0
    # the own department: sees it all, and the file is the file
    officer = api(users["officer"])
    assert officer.get(f"/api/v1/repairs/{case_id}").status_code == 200
    download = officer.get(document["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert officer.get("/api/v1/tasks?queue=team").json()["count"] == 1
    assert status(case_id) == RepairCase.Status.INTAKE


def test_an_applicant_cannot_see_another_enterprises_case(clock, users, world, api):
    upload = SimpleUploadedFile("凭证.pdf", PDF, content_type="application/pdf")
    body = _file(api, users, world, evidence=[upload])
    other = api(users["applicant2"])
    assert other.get(f"/api/v1/repairs/{body['id']}").status_code == 404
    assert other.get(body["documents"][0]["url"]).status_code == 404
    assert other.get("/api/v1/repairs").json()["count"] == 0
    assert other.get(f"/api/v1/subjects/{world['subject'].uscc}").status_code == 404
    assert other.get(f"/api/v1/commitments/{body['commitment']['id']}").status_code == 404
    # nor file for it
    response = other.post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 400 and response.json()["fields"]["records"]
    # and has no tasks to work
    assert other.get("/api/v1/tasks?queue=available").json()["count"] == 0
    mine = api(users["applicant"]).get(f"/api/v1/repairs/{body['id']}")
    assert mine.status_code == 200 and mine.json()["subject"]["uscc"] == world["subject"].uscc


def test_record_ids_beyond_any_column_are_refused_not_a_server_error(clock, users, world, api):
    huge = 2**70
    client = api(users["applicant"])
    response = client.post("/api/v1/repairs", filing(world["record"], records=[huge]), format="json")
    assert response.status_code == 400 and "records" in response.json()["fields"]
    response = client.get(f"/api/v1/repairs/eligibility?records={huge}")
    assert response.status_code == 400 and "records" in response.json()["fields"]
    assert RepairCase.objects.count() == 0


def test_the_next_step_of_the_same_role_goes_to_the_same_officer_never_the_review(clock, users, world, api):
    case_id = _file(api, users, world)["id"]
    officer = api(users["officer"])
    complete(officer, case_id, "intake", {"decision": "accept"})
    verify = Task.objects.get(pk=task_of(officer, case_id, "verify", queue="mine"))
    assert (verify.owner_id, verify.status) == (users["officer"].pk, STATUS.ASSIGNED)
    assert not [r for r in officer.get("/api/v1/tasks?queue=available").json()["results"] if r["step"] == "verify"]
    complete(officer, case_id, "verify", {"obligations_fulfilled": True, "commitment_valid": True}, queue="mine")
    complete(officer, case_id, "propose", {"outcome": "approve", "reasons": "符合条件"}, queue="mine")
    # the review is another role's: it waits in the reviewers' queue, held by no one
    review = Task.objects.get(pk=task_of(api(users["reviewer"]), case_id, "review"))
    assert (review.owner_id, review.status) == (None, STATUS.NEW)
