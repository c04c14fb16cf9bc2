import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.accounts.models import Role, User
from apps.core.errors import ApplicationError
from apps.core.selectors import audit_chain_breaks
from apps.demo.services import DEPARTMENTS, demo_seed
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.uscc import validate_uscc

pytestmark = pytest.mark.django_db

# Every demo user, its role and department (DESIGN.md's list; head1 belongs to another issue).
DEMO_USERS = [
    ("applicant1", "applicant", None),
    ("applicant2", "applicant", None),
    ("clerk1", "clerk", "YC-XYB"),
    ("officer1", "officer", "YC-SCJG"),
    ("reviewer1", "reviewer", "YC-SCJG"),
    ("head1", "head", "YC-SCJG"),
    ("officer2", "officer", "YC-SW"),
    ("reviewer2", "reviewer", "YC-SW"),
    ("officer3", "officer", "YC-STHJ"),
    ("monitor1", "monitor", "YC-XYB"),
    ("trainer1", "trainer", "YC-XYB"),
    ("admin", "admin", None),
]


def test_seed_demo_twice_adds_nothing_the_second_time():
    first = demo_seed(subjects=25)
    assert first["users"] == 12 and first["subjects"] == 25 and first["records"] > 10
    counts = (User.objects.count(), Subject.objects.count(), NegativeRecord.objects.count())
    second = demo_seed(subjects=25)
    assert second == {"departments": 0, "users": 0, "subjects": 0, "records": 0}
    assert counts == (User.objects.count(), Subject.objects.count(), NegativeRecord.objects.count())
    assert all(validate_uscc(s.uscc).valid for s in Subject.objects.all())
    assert list(audit_chain_breaks()) == []


def test_demo_users_can_sign_in(api):
    call_command("seed_demo", subjects=5)
    for username, role, department in DEMO_USERS:
        response = api().post("/api/v1/auth/token", {"username": username, "password": "demo-pass-2026"}, format="json")
        assert response.status_code == 200, username
        user = User.objects.select_related("department").get(username=username)
        assert (user.role, user.department.code if user.department else None) == (role, department), username
    applicant = User.objects.get(username="applicant1")
    assert applicant.represented_subjects.count() >= 4  # plus the subjects of the demo repair cases
    other = User.objects.get(username="applicant2")  # another enterprise: its own subjects, none of applicant1's
    assert other.represented_subjects.count() >= 3
    assert not set(other.represented_subjects.all()) & set(applicant.represented_subjects.all())


def test_the_readme_lists_every_demo_user_with_role_and_department():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    for username, role, department in DEMO_USERS:
        line = next((line for line in readme.splitlines() if f"`{username}`" in line), "")
        assert line, f"README.md does not list {username}"
        assert str(Role(role).label) in line, (username, line)
        if department:
            assert dict((code, name) for code, name, *_rest in DEPARTMENTS)[department] in line, (username, line)


@override_settings(DEMO_MODE=False)
def test_no_demo_data_outside_demo_mode():
    with pytest.raises(ApplicationError):
        demo_seed(subjects=1)
    assert not User.objects.filter(username="applicant1").exists()


def test_demo_decisions_are_registered_once_with_their_notices():
    from apps.decisions.models import PenaltyDecision
    from apps.demo.decisions_demo import PLAN, demo_seed_decisions
    from apps.demo.services import DEMO_TODAY

    demo_seed(subjects=90)
    first = demo_seed_decisions(today=DEMO_TODAY)
    assert first == {"decisions": len(PLAN)}
    assert demo_seed_decisions(today=DEMO_TODAY) == {"decisions": 0}
    decisions = PenaltyDecision.objects.all()
    assert decisions.count() == len(PLAN) and all(d.notice_id for d in decisions)
    assert decisions.filter(delivered_on__isnull=True).count() == 1
    assert list(audit_chain_breaks()) == []


def test_demo_documents_are_numbered_with_each_departments_abbreviation():
    """宜市监〔2026〕1号, never the department code YC-SCJG〔2026〕1号."""
    from apps.letters.models import Letter, Letterhead

    call_command("seed_demo", subjects=5)
    abbreviations = {code: abbreviation for code, _name, _sector, abbreviation in DEPARTMENTS}
    assert {
        letterhead.department.code: letterhead.abbreviation
        for letterhead in Letterhead.objects.select_related("department")
    } == abbreviations
    numbered = list(Letter.objects.exclude(doc_no="").select_related("department"))
    assert numbered
    for letter in numbered:
        assert letter.doc_no.startswith(abbreviations[letter.department.code] + "〔"), letter.doc_no
    assert any(letter.doc_no.startswith("宜市监〔") for letter in numbered)


def test_demo_commitments_of_every_kind_with_checks_due_and_one_broken():
    from apps.commitments.models import SIX_TYPES, Commitment, FulfilmentCheck
    from apps.demo.commitments_demo import demo_seed_commitments
    from apps.demo.services import DEMO_TODAY

    call_command("seed_demo", subjects=12)
    assert set(Commitment.objects.values_list("type", flat=True)) >= set(SIX_TYPES)
    assert not Commitment.objects.filter(type__in=SIX_TYPES, matter_reference="").exists()
    due = FulfilmentCheck.objects.filter(status=FulfilmentCheck.Status.DUE)
    assert due.count() >= 5 and due.filter(due_date__lt=DEMO_TODAY).exists()
    broken = Commitment.objects.get(fulfilment_status=Commitment.Fulfilment.VIOLATED)
    assert broken.violation_record.department.code == "YC-STHJ"
    assert Commitment.objects.filter(channel=Commitment.Channel.PORTAL, signer_user__username="applicant1").count() == 2
    again = demo_seed_commitments(today=DEMO_TODAY)
    assert again == {"commitments": 0, "fulfilment_checks_recorded": 0, "commitment_credit_checks": 0}
    assert list(audit_chain_breaks()) == []
