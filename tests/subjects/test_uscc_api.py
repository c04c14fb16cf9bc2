import pytest

pytestmark = pytest.mark.django_db


def test_valid_code_gives_parts(api):
    response = api().get("/api/v1/uscc/91350100M000100Y43")
    assert response.status_code == 200
    assert response.json()["valid"] is True
    assert response.json()["parts"]["check_character"] == "3"


def test_wrong_check_character_is_400_with_position_and_expected(api):
    body = api().get("/api/v1/uscc/91350100M000100Y44").json()
    assert body["error"] == "invalid_uscc"
    assert body["position"] == 18 and body["expected"] == "3"
    assert "第18位" in body["detail"] and "3" in body["detail"]
    assert "code" in body["fields"]


@pytest.mark.parametrize(
    ("code", "position"),
    [("91350100M000100Y4", 18), ("91350100M0001O0Y43", 14), ("91350100M000100Y43X", 19)],
)
def test_bad_length_or_letter_is_400_naming_the_position(api, code, position):
    response = api().get(f"/api/v1/uscc/{code}")
    assert response.status_code == 400
    assert response.json()["position"] == position
