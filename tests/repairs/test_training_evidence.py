"""A training certificate is evidence of the subject's next repair application without a new upload: attached at
filing, shown to the applicant and to the handling department (API, portal page, staff case page), verifiable
through the public verification endpoint, and written into the case history once."""

from datetime import timedelta

from django.test import Client

from apps.core.models import CaseEvent
from apps.letters.models import Letter
from apps.training.models import CertificateEvidence, Enrollment
from apps.training.services import enrollment_create, session_create
from tests.repairs.conftest import at, filing
from tests.support.letter_fixtures import private_storage, role_perms, run_on_commit

__all__ = ["private_storage", "role_perms", "run_on_commit"]  # fixtures used here


def _trained(clock, users, subject, api, run_on_commit):
    """The subject attends a session on 2026-05-05 and checks in with the code: its certificate is issued."""
    clock.set(at(2026, 5, 1))
    start = at(2026, 5, 5, 9)
    session = session_create(
        topic="信用修复政策解读",
        mode="on_site",
        place="宜昌市民中心",
        capacity=10,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        region_code="420500",
        acting_user=users["trainer"],
    )
    enrollment_create(session=session, subject=subject, acting_user=users["applicant"], attendee_name="王伟")
    clock.set(at(2026, 5, 5, 9, 30))
    with run_on_commit():
        response = api(users["applicant"]).post(
            f"/api/v1/training/sessions/{session.pk}/checkin",
            {"subject": subject.uscc, "code": session.checkin_code},
            format="json",
        )
    assert response.status_code == 200, response.json()
    return Enrollment.objects.get(session=session, subject=subject)


def test_a_certificate_is_evidence_of_the_next_repair(clock, users, world, api, run_on_commit):
    enrollment = _trained(clock, users, world["subject"], api, run_on_commit)
    certificate = enrollment.certificate
    assert certificate.status == Letter.Status.RENDERED

    clock.set(at(2026, 5, 11))
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]

    evidence = CertificateEvidence.objects.get(case_type="repairs.repaircase", case_id=case_id)
    assert evidence.certificate_id == certificate.pk and evidence.enrollment_id == enrollment.pk
    attached = CaseEvent.objects.filter(
        case_type="repairs.repaircase", case_id=case_id, kind="training_certificate_attached"
    )
    assert [e.data["verification_code"] for e in attached] == [certificate.verification_code]

    for reader in (users["applicant"], users["officer"]):
        detail = api(reader).get(f"/api/v1/repairs/{case_id}").json()
        rows = detail["training_certificates"]
        assert [(r["verification_code"], r["topic"]) for r in rows] == [
            (certificate.verification_code, "信用修复政策解读")
        ]
        assert rows[0]["verify_url"] == f"/verify/{certificate.verification_code}"
        assert detail["documents"] == []  # nothing was uploaded again
        verified = api().get(f"/api/v1/verify/{certificate.verification_code}")
        assert verified.status_code == 200 and verified.json()["valid"] is True

    for reader in (users["applicant"], users["officer"]):
        client = Client()
        client.force_login(reader)
        page = client.get(f"/portal/repairs/{case_id}/").content.decode()
        assert "培训证明（本系统出具，无需另行上传）" in page and certificate.verification_code in page
    staff = api(users["officer"]).get(f"/api/v1/repairs/{case_id}").json()
    assert "附入培训证明" in [event["label"] for event in staff["history"]]


def test_a_certificate_earned_after_filing_is_not_evidence_of_that_application(clock, users, world, api, run_on_commit):
    clock.set(at(2026, 4, 20))
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    _trained(clock, users, world["subject"], api, run_on_commit)
    detail = api(users["applicant"]).get(f"/api/v1/repairs/{response.json()['id']}").json()
    assert detail["training_certificates"] == []
    assert not CertificateEvidence.objects.exists()
