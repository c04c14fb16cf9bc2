"""A repair obtained with a false commitment is revoked: everything is restored and the broken commitment becomes
a new negative record."""

from apps.commitments.models import Commitment
from apps.core.selectors import audit_chain_breaks
from apps.repairs.models import RepairCase, SanctionLift
from apps.subjects.models import NegativeRecord, RecordKind, Sanction
from tests.repairs.conftest import filing
from tests.repairs.helpers import complete, to_review


def _repaired_case(api, users, world):
    case_id = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").json()["id"]
    officer = api(users["officer"])
    to_review(officer, case_id)
    complete(api(users["reviewer"]), case_id, "review", {"outcome": "approve"})
    complete(officer, case_id, "stop_publication", {"confirm": True})
    complete(officer, case_id, "stop_sharing", {"confirm": True})
    for user in ("officer", "officer_tax"):
        for lift in api(users[user]).get("/api/v1/repairs/lifts?status=pending").json()["results"]:
            assert api(users[user]).post(f"/api/v1/repairs/lifts/{lift['id']}/confirm", {}).status_code == 200
    assert RepairCase.objects.get(pk=case_id).status == RepairCase.Status.REPAIRED
    return case_id


def test_a_reviewer_revokes_a_repair_obtained_with_a_false_commitment(clock, users, world, departments, api):
    case_id = _repaired_case(api, users, world)
    reason = "经查，申请时罚款并未缴清，承诺不实"
    assert api(users["officer"]).post(f"/api/v1/repairs/{case_id}/revoke", {"reason": reason}).status_code == 403
    assert api(users["officer_tax"]).post(f"/api/v1/repairs/{case_id}/revoke", {"reason": reason}).status_code == 404
    assert api(users["applicant"]).post(f"/api/v1/repairs/{case_id}/revoke", {"reason": reason}).status_code == 404
    response = api(users["reviewer"]).post(f"/api/v1/repairs/{case_id}/revoke", {"reason": reason})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "revoked"
    assert response.json()["commitment"]["fulfilment_status"] == "violated"  # as stored, not as it was read

    record = NegativeRecord.objects.get(pk=world["record"].pk)
    assert record.publication_status == NegativeRecord.PublicationStatus.PUBLISHED and record.ended_at is None
    assert record.sharing_status == NegativeRecord.SharingStatus.SHARING
    assert record.repair_status == NegativeRecord.RepairStatus.REVOKED
    assert set(Sanction.objects.filter(record=record).values_list("status", flat=True)) == {Sanction.Status.ACTIVE}
    assert set(SanctionLift.objects.filter(case_id=case_id).values_list("status", flat=True)) == {"restored"}

    case = RepairCase.objects.get(pk=case_id)
    commitment = Commitment.objects.get(pk=case.commitment_id)
    assert commitment.fulfilment_status == Commitment.Fulfilment.VIOLATED
    broken = commitment.violation_record
    assert broken.subject == world["subject"] and broken.kind == RecordKind.OTHER
    assert broken.department == departments["market"]  # the reviewer's department checked it
    assert reason in broken.facts
    # a second revocation is a conflict
    assert api(users["reviewer"]).post(f"/api/v1/repairs/{case_id}/revoke", {"reason": reason}).status_code == 409
    assert list(audit_chain_breaks()) == []
