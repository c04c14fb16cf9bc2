from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.commitments.models import Commitment, CommitmentType
from apps.commitments.services import commitment_check_fulfilment, commitment_sign, text_version_in_force
from apps.core.errors import ApplicationError, ConflictError
from apps.core.selectors import audit_chain_breaks
from apps.subjects.models import NegativeRecord, RecordKind, Severity
from apps.subjects.services import subject_representative_add
from tests.subjects.factories import a_subject

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def subject(users):
    subject = a_subject()
    subject_representative_add(subject=subject, user=users["applicant"])
    return subject


def test_the_repair_text_in_force_follows_the_order_of_the_signing_date(db):
    assert text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=date(2026, 3, 20)).code == "XYXF-2023"
    assert text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=date(2026, 4, 2)).code == "XYXF-2026"
    with pytest.raises(ApplicationError) as err:
        text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=date(2022, 1, 1))
    assert err.value.status_code == 422


def test_sign_records_text_hash_and_classification(users, subject):
    version = text_version_in_force(type=CommitmentType.OBJECTION_APPEAL, on=date(2026, 5, 1))
    commitment = commitment_sign(
        subject=subject,
        text_version=version,
        signer_name="张敏",
        signed_at=datetime(2026, 5, 1, 10, tzinfo=SHANGHAI),
        acting_user=users["applicant"],
        signer_user=users["applicant"],
        matter_type="objection",
        matter_reference="YY-2026-0001",
    )
    assert commitment.type == CommitmentType.OBJECTION_APPEAL
    assert commitment.domain == "business" and commitment.scenario == "objection"
    assert len(commitment.text_sha256) == 64
    assert commitment.fulfilment_status == Commitment.Fulfilment.PENDING


def test_signing_on_a_text_out_of_force_is_refused(users, subject):
    old = text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=date(2026, 3, 1))
    with pytest.raises(ApplicationError):
        commitment_sign(
            subject=subject,
            text_version=old,
            signer_name="张敏",
            signed_at=datetime(2026, 4, 2, 10, tzinfo=SHANGHAI),
            acting_user=users["applicant"],
            matter_type="credit_repair",
            matter_reference="XF-2026-0001",
        )


def test_a_violated_commitment_becomes_a_negative_record_of_the_checking_department(users, subject, departments, api):
    version = text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=date(2026, 5, 1))
    commitment = commitment_sign(
        subject=subject,
        text_version=version,
        signer_name="张敏",
        signed_at=datetime(2026, 5, 1, 10, tzinfo=SHANGHAI),
        acting_user=users["applicant"],
        matter_type="credit_repair",
        matter_reference="XF-2026-0001",
    )
    # the applicant represents the subject: sees it, but may not check it
    assert api(users["applicant"]).get(f"/api/v1/commitments/{commitment.pk}").status_code == 200
    assert (
        api(users["applicant"]).post(f"/api/v1/commitments/{commitment.pk}/check", {"fulfilled": True}).status_code
        == 403
    )
    # another applicant does not even see it
    assert api(users["applicant2"]).get(f"/api/v1/commitments/{commitment.pk}").status_code == 404

    checked = commitment_check_fulfilment(
        commitment=commitment, fulfilled=False, finding="隐瞒未缴清罚款的事实", acting_user=users["officer_tax"]
    )
    assert checked.fulfilment_status == Commitment.Fulfilment.VIOLATED
    record = NegativeRecord.objects.get(pk=checked.violation_record_id)
    assert record.subject == subject
    assert record.kind == RecordKind.OTHER
    assert record.severity == Severity.SERIOUS  # from the text version's violation rule
    assert record.department == departments["tax"]
    with pytest.raises(ConflictError):
        commitment_check_fulfilment(commitment=commitment, fulfilled=True, finding="", acting_user=users["officer"])
    assert list(audit_chain_breaks()) == []


def test_check_over_http_needs_a_department_and_a_finding_for_violations(users, subject, api):
    version = text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=date(2026, 5, 1))
    commitment = commitment_sign(
        subject=subject,
        text_version=version,
        signer_name="张敏",
        signed_at=datetime(2026, 5, 1, 10, tzinfo=SHANGHAI),
        acting_user=users["applicant"],
        matter_type="credit_repair",
        matter_reference="XF-2026-0001",
    )
    officer = api(users["officer"])
    # officers see commitments of subjects (subjects.view_subject is not enough): owner-less -> 404 for them
    assert officer.post(f"/api/v1/commitments/{commitment.pk}/check", {"fulfilled": False}).status_code == 404
    admin = api(users["admin"])
    response = admin.post(f"/api/v1/commitments/{commitment.pk}/check", {"fulfilled": False}, format="json")
    assert response.status_code == 400  # admin has no department
    texts = admin.get("/api/v1/commitment-texts?type=credit_repair&on=2026-03-20").json()
    assert [t["code"] for t in texts] == ["XYXF-2023"]
