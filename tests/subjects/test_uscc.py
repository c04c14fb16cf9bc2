import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.subjects.uscc import ALPHABET, check_character, make_uscc, organisation_check_character, validate_uscc

EXAMPLE = "91350100M000100Y43"


def test_standard_example_is_valid():
    result = validate_uscc(EXAMPLE)
    assert result.valid
    parts = result.parts()
    assert parts["region_code"] == "350100"
    assert parts["organisation_code"] == "M000100Y-4"
    assert parts["registration_authority"]["code"] == "9"


@pytest.mark.parametrize("position", range(18))
def test_any_single_change_is_detected(position):
    for replacement in ALPHABET:
        if replacement == EXAMPLE[position]:
            continue
        changed = EXAMPLE[:position] + replacement + EXAMPLE[position + 1 :]
        assert not validate_uscc(changed).valid, changed


def test_letters_allowed_in_positions_one_and_two():
    code = make_uscc("N", "2", "420500", "MA4C0K5L")
    assert code[:2] == "N2"
    assert validate_uscc(code).valid
    code = make_uscc("Y", "1", "420500", "12345678")
    assert validate_uscc(code).valid


def test_wrong_check_character_names_position_and_expected():
    result = validate_uscc(EXAMPLE[:-1] + "4")
    error = result.errors[0]
    assert (error.position, error.expected, error.character) == (18, "3", "4")


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters(letter):
    code = EXAMPLE[:10] + letter + EXAMPLE[11:]
    error = validate_uscc(code).errors[0]
    assert error.code == "character" and error.position == 11 and error.character == letter


@pytest.mark.parametrize("code", ["", "9135010", EXAMPLE + "0"])
def test_bad_length(code):
    error = validate_uscc(code).errors[0]
    assert error.code == "length"


def test_organisation_code_check_from_gb11714():
    assert organisation_check_character("M000100Y") == "4"
    assert organisation_check_character("D2143569") == "X"  # 11 - (sum mod 11) = 10 → X


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["1", "5", "9", "N", "Y"]),
    st.sampled_from(["1", "2", "3", "9"]),
    st.from_regex(r"\A[1-6][0-9]{5}\Z"),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
)
def test_every_built_code_validates_and_round_trips(authority, category, region, body):
    code = make_uscc(authority, category, region, body)
    assert validate_uscc(code.lower()).valid
    assert check_character(code[:17]) == code[17]
