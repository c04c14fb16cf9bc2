"""One rule decides "legal person or organisation": the code, the subject, 两书同达 and the letter page agree."""

import pytest

from apps.decisions.services import needs_notice
from apps.letters.models import Letter
from apps.letters.selectors import masked_recipient_name
from apps.subjects.models import Subject
from apps.subjects.uscc import INDIVIDUAL_BUSINESS_TYPE, is_legal_person_or_organisation, make_uscc, validate_uscc

ENTERPRISE = make_uscc("9", "1", "420500", "MA4K0000")
INDIVIDUAL = make_uscc("9", "2", "420500", "L1234567")
FARM_INDIVIDUAL = make_uscc("N", "3", "420500", "L7654321")
SOCIAL_ORGANISATION = make_uscc("5", "1", "420500", "50000001")
INVALID = ENTERPRISE[:17] + ("0" if ENTERPRISE[17] != "0" else "1")


def test_the_code_decides():
    assert is_legal_person_or_organisation(ENTERPRISE)
    assert is_legal_person_or_organisation(SOCIAL_ORGANISATION)
    assert not is_legal_person_or_organisation(INDIVIDUAL)
    assert not is_legal_person_or_organisation(FARM_INDIVIDUAL)


def test_an_invalid_code_is_not_an_organisation():
    assert not validate_uscc(INVALID).valid
    assert not is_legal_person_or_organisation(INVALID)
    assert not is_legal_person_or_organisation("")


def test_an_individual_business_type_overrides_the_code():
    assert not is_legal_person_or_organisation(ENTERPRISE, subject_type=INDIVIDUAL_BUSINESS_TYPE)
    assert is_legal_person_or_organisation(ENTERPRISE, subject_type=Subject.Type.ENTERPRISE)
    assert not is_legal_person_or_organisation(INDIVIDUAL, subject_type=Subject.Type.ENTERPRISE)
    assert Subject.Type.INDIVIDUAL_BUSINESS == INDIVIDUAL_BUSINESS_TYPE


def test_code_parts_use_the_same_rule():
    assert validate_uscc(ENTERPRISE).parts()["is_legal_person_or_organisation"] is True
    assert validate_uscc(INDIVIDUAL).parts()["is_legal_person_or_organisation"] is False


@pytest.mark.parametrize(
    ("uscc", "type_", "expected"),
    [
        (ENTERPRISE, Subject.Type.ENTERPRISE, True),
        (ENTERPRISE, Subject.Type.INDIVIDUAL_BUSINESS, False),
        (INDIVIDUAL, Subject.Type.ENTERPRISE, False),
        (INDIVIDUAL, Subject.Type.INDIVIDUAL_BUSINESS, False),
        (INVALID, Subject.Type.ENTERPRISE, False),
    ],
)
def test_subject_notice_and_masking_agree(uscc, type_, expected):
    subject = Subject(uscc=uscc, name="宜昌某某", type=type_)
    assert subject.is_legal_person_or_organisation is expected
    assert needs_notice(subject) is expected


@pytest.mark.parametrize(
    ("uscc", "shown"), [(ENTERPRISE, "宜昌某某"), (INDIVIDUAL, "宜***"), (INVALID, "宜***"), ("", "宜昌某某")]
)
def test_letter_page_masks_whatever_is_not_an_organisation(uscc, shown):
    assert masked_recipient_name(Letter(recipient_uscc=uscc, recipient_name="宜昌某某")) == (shown if uscc else "")
