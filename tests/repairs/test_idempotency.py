"""The same submission sent twice with one Idempotency-Key creates one case."""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.casework.models import Document
from apps.repairs.models import RepairCase
from tests.repairs.conftest import PDF, filing


def test_the_same_submission_twice_with_one_key_creates_one_case(clock, users, world, api):
    applicant = api(users["applicant"])
    headers = {"HTTP_IDEMPOTENCY_KEY": "6a1f0e2c-retry-1"}
    first = applicant.post("/api/v1/repairs", filing(world["record"]), format="json", **headers)
    second = applicant.post("/api/v1/repairs", filing(world["record"]), format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert RepairCase.objects.count() == 1


def test_a_multipart_retry_with_the_same_files_is_the_same_submission(clock, users, world, api):
    applicant = api(users["applicant"])

    def send():
        upload = SimpleUploadedFile("凭证.pdf", PDF, content_type="application/pdf")
        return applicant.post(
            "/api/v1/repairs",
            {**filing(world["record"]), "evidence": [upload]},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="k-2",
        )

    assert send().status_code == 201
    assert send().status_code == 201
    assert RepairCase.objects.count() == 1 and Document.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused(clock, users, world, api):
    applicant = api(users["applicant"])
    assert (
        applicant.post(
            "/api/v1/repairs", filing(world["record"]), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        ).status_code
        == 201
    )
    other = filing(world["record"], statement="另一份说明")
    response = applicant.post("/api/v1/repairs", other, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert response.status_code == 422 and response.json()["error"] == "idempotency_key_reused"
    assert RepairCase.objects.count() == 1


def test_keys_are_per_user_and_failures_are_not_remembered(clock, users, world, api):
    clerk = api(users["clerk"])
    # a refused filing stores nothing: after fixing it, the same key works
    bad = filing(world["record"], commitment_accepted=False)
    assert clerk.post("/api/v1/repairs", bad, format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 400
    assert (
        clerk.post("/api/v1/repairs", filing(world["record"]), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code
        == 201
    )
    # another user's identical key is another submission (here: refused, the record is being repaired)
    response = api(users["applicant"]).post(
        "/api/v1/repairs", filing(world["record"]), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert response.status_code == 409
    assert RepairCase.objects.count() == 1
