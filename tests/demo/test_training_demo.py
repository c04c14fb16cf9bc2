"""trainer1's demo training: held sessions with attendance and verifiable certificates, upcoming ones with free
places, and applicant1's and applicant2's listed subjects among those to invite."""

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.letters.models import Letter
from apps.subjects.selectors import subjects_represented_by
from apps.training.models import Enrollment, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def test_trainer1_has_past_and_upcoming_sessions(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", subjects=60)
    trainer = User.objects.get(username="trainer1")
    token = api().post("/api/v1/auth/token", {"username": "trainer1", "password": "demo-pass-2026"}, format="json")
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    past = client.get("/api/v1/training/sessions", {"when": "past"}).json()["results"]
    upcoming = client.get("/api/v1/training/sessions").json()["results"]
    assert len(past) == 2 and len(upcoming) == 2
    assert all(row["free_places"] > 0 for row in upcoming)

    attended = Enrollment.objects.filter(session__trainer=trainer, status=Enrollment.Status.ATTENDED)
    assert attended.count() >= 4
    certificate = attended.first().certificate
    assert certificate.status == Letter.Status.RENDERED
    assert api().get(f"/api/v1/verify/{certificate.verification_code}").json()["valid"] is True

    invited = {row["uscc"] for row in client.get("/api/v1/training/invitations", {"page_size": 200}).json()["results"]}
    for username in ("applicant1", "applicant2"):
        own = {s.uscc for s in subjects_represented_by(user=User.objects.get(username=username))}
        assert own & invited, username

    coverage = client.get("/api/v1/training/coverage").json()
    assert coverage["numerator"] >= 4 and coverage["denominator"] > coverage["numerator"]

    call_command("seed_demo", subjects=60)  # a second run adds nothing
    assert TrainingSession.objects.count() == 4
