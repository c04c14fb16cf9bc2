"""A full online and a full counter repair, end to end over HTTP, reach "closed, repaired"."""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.selectors import audit_chain_breaks
from apps.letters.models import Letter
from apps.repairs.models import RepairCase, SanctionLift
from apps.subjects.models import NegativeRecord, Sanction
from tests.repairs.conftest import PDF, PNG, filing
from tests.repairs.helpers import complete, status, to_review


def _execute_and_close(api, users, case_id):
    officer, officer_tax = api(users["officer"]), api(users["officer_tax"])
    complete(api(users["reviewer"]), case_id, "review", {"outcome": "approve", "note": "同意"})
    assert status(case_id) == RepairCase.Status.EXECUTION
    lifts = {lift.department.code: lift for lift in SanctionLift.objects.filter(case_id=case_id)}
    assert set(lifts) == {"YC-SCJG", "YC-SW"}
    complete(officer, case_id, "stop_publication", {"confirm": True})
    complete(officer, case_id, "stop_sharing", {"confirm": True})
    # the tax department sees only its own lift, not the case
    assert officer_tax.get(f"/api/v1/repairs/{case_id}").status_code == 404
    mine = officer_tax.get("/api/v1/repairs/lifts?status=pending").json()["results"]
    assert [row["id"] for row in mine] == [lifts["YC-SW"].pk]
    assert officer_tax.post(f"/api/v1/repairs/lifts/{lifts['YC-SCJG'].pk}/confirm", {}).status_code == 404
    assert officer_tax.post(f"/api/v1/repairs/lifts/{lifts['YC-SW'].pk}/confirm", {"note": "已解除"}).status_code == 200
    assert status(case_id) == RepairCase.Status.EXECUTION  # still waiting for the market department
    assert officer.post(f"/api/v1/repairs/lifts/{lifts['YC-SCJG'].pk}/confirm", {}).status_code == 200
    assert status(case_id) == RepairCase.Status.REPAIRED


def _assert_repaired(case_id, record):
    case = RepairCase.objects.get(pk=case_id)
    record.refresh_from_db()
    assert case.status == RepairCase.Status.REPAIRED and case.closed_at
    assert record.publication_status == NegativeRecord.PublicationStatus.ENDED_REPAIRED
    assert record.sharing_status == NegativeRecord.SharingStatus.STOPPED
    assert record.repair_status == NegativeRecord.RepairStatus.REPAIRED
    assert not record.is_public
    assert set(Sanction.objects.filter(record=record).values_list("status", flat=True)) == {Sanction.Status.LIFTED}
    assert not SanctionLift.objects.filter(case=case, status=SanctionLift.Status.PENDING).exists()
    codes = set(Letter.objects.filter(owner_type="repairs.repaircase", owner_id=case_id).values_list("code", flat=True))
    assert {"acceptance_notice", "repair_decision"} <= codes
    assert list(audit_chain_breaks()) == []


def test_full_online_repair(clock, users, world, api):
    applicant = api(users["applicant"])
    evidence = SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf")
    photo = SimpleUploadedFile("整改照片.png", PNG, content_type="image/png")
    response = applicant.post(
        "/api/v1/repairs", {**filing(world["record"]), "evidence": [evidence, photo]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    case_id = body["id"]
    assert body["channel"] == "online" and body["status"] == "intake"
    assert len(body["documents"]) == 2 and all(len(doc["sha256"]) == 64 for doc in body["documents"])
    assert body["commitment"]["signer_name"] == "王伟"

    to_review(api(users["officer"]), case_id)
    _execute_and_close(api, users, case_id)
    _assert_repaired(case_id, world["record"])

    detail = applicant.get(f"/api/v1/repairs/{case_id}").json()
    assert detail["status"] == "repaired"
    # the applicant's history: outward events in plain words, the department and role instead of a person
    outward = [(event["kind"], event["actor"]) for event in detail["history"]]
    assert outward[0] == ("filed", "申请人（企业）")
    assert ("accepted", "宜昌市市场监督管理局 承办人") in outward
    assert ("decided", "宜昌市市场监督管理局 审核人") in outward
    assert ("executed", "国家税务总局宜昌市税务局 承办人") in outward
    assert outward[-1] == ("closed", "宜昌市市场监督管理局")
    assert {"letter_issued"} <= {kind for kind, _actor in outward}
    # the department reads the full history with who did what
    detail = api(users["officer"]).get(f"/api/v1/repairs/{case_id}").json()
    kinds = [event["kind"] for event in detail["history"]]
    for kind in (
        "repair_filed",
        "commitment_signed",
        "document_attached",
        "repair_accepted",
        "repair_verified",
        "repair_proposed",
        "repair_review_approved",
        "repair_decided",
        "sanction_lift_confirmed",
        "repair_closed",
    ):
        assert kind in kinds
    actors = {event["kind"]: event["actor"] for event in detail["history"]}
    assert actors["repair_proposed"] == "officer1" and actors["repair_review_approved"] == "reviewer1"
    assert {letter["code"] for letter in detail["letters"]} >= {"acceptance_notice", "repair_decision"}
    # the subject page lists the case
    subject = applicant.get(f"/api/v1/subjects/{world['subject'].uscc}").json()
    assert [c["id"] for c in subject["cases"] if c["type"] == "repair"] == [case_id]


def test_full_counter_repair(clock, users, world, api):
    clerk = api(users["clerk"])
    scan = SimpleUploadedFile("承诺书扫描件.pdf", PDF, content_type="application/pdf")
    response = clerk.post("/api/v1/repairs", {**filing(world["record"]), "evidence": [scan]}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    case_id = body["id"]
    assert body["channel"] == "counter"
    assert api(users["officer"]).get(f"/api/v1/repairs/{case_id}").json()["filed_by"] == "clerk1"
    case = RepairCase.objects.get(pk=case_id)
    assert case.commitment.signer_user is None  # signed on paper at the counter

    to_review(api(users["officer"]), case_id)
    _execute_and_close(api, users, case_id)
    _assert_repaired(case_id, world["record"])
    # the applicant sees the case filed on their behalf; the clerk who filed it too
    assert api(users["applicant"]).get(f"/api/v1/repairs/{case_id}").status_code == 200
    assert clerk.get(f"/api/v1/repairs/{case_id}").status_code == 200
