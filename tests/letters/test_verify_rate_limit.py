"""Public verification has one rate limit per client address for the API and the /verify/ pages together."""

import io
import os
import uuid

import pytest
from django.test import Client, override_settings

from apps.letters.services import letter_create, letter_render
from config.env import env_cache
from tests.letters.support import make_subject
from tests.support.services import ensure_server

UNKNOWN = "ZZZZZZZZZZ"


@pytest.fixture(autouse=True)
def small_rate(settings):
    settings.LETTERS_VERIFY_RATE = "3/min"


@pytest.fixture
def letter(departments):
    subject = make_subject("宜昌市限流测试有限公司")
    made = letter_create(
        template_code="penalty_decision",
        owner=("tests.rate", 1),
        recipient=subject,
        context={"decision_no": "宜市监处罚〔2026〕5号", "subject_uscc": subject.uscc},
        acting_user=None,
        department=departments["market"],
    )
    return letter_render(letter=made)


def assert_refused_page(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "文书真伪查验" in html and "查验过于频繁" in html and f"{response['Retry-After']} 秒后再试" in html
    assert "<form" not in html


def test_page_is_refused_after_the_limit_get_and_post(letter):
    client = Client()
    url = f"/verify/{letter.verification_code}"
    assert client.get(url).status_code == 200
    assert client.post(url, {"file": io.BytesIO(b"%PDF-1.7 not it")}).status_code == 200
    assert client.get(url).status_code == 200
    assert_refused_page(client.get(url))
    assert_refused_page(client.post(url, {"file": io.BytesIO(b"%PDF-1.7 not it")}))
    # Another address has its own budget.
    assert Client(REMOTE_ADDR="10.0.0.2").get(url).status_code == 200


@pytest.mark.django_db
def test_guessed_codes_count_too():
    client = Client()
    for _ in range(3):
        assert client.get(f"/verify/{UNKNOWN}").status_code == 404
    assert_refused_page(client.get(f"/verify/{UNKNOWN}"))


@pytest.mark.django_db
def test_api_and_page_share_one_budget(api):
    client = Client()
    assert api(None).get(f"/api/v1/verify/{UNKNOWN}").status_code == 404
    assert client.get(f"/verify/{UNKNOWN}").status_code == 404
    assert api(None).get(f"/api/v1/verify/{UNKNOWN}").status_code == 404
    assert_refused_page(client.get(f"/verify/{UNKNOWN}"))
    refused = api(None).get(f"/api/v1/verify/{UNKNOWN}")
    assert refused.status_code == 429 and refused.json()["error"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60


@pytest.mark.django_db
def test_code_form_is_refused_when_the_budget_is_spent_but_does_not_spend_it():
    client = Client()
    for _ in range(5):  # the form only redirects: it looks nothing up
        response = client.get("/verify/", {"code": UNKNOWN.lower()})
        assert response.status_code == 302 and response["Location"].endswith(f"/verify/{UNKNOWN}")
    for _ in range(3):
        assert client.get(f"/verify/{UNKNOWN}").status_code == 404
    assert_refused_page(client.get("/verify/", {"code": UNKNOWN}))
    assert_refused_page(client.get("/verify/"))


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_gets_no_fresh_budget():
    client = Client()
    for n in range(3):
        assert client.get(f"/verify/{UNKNOWN}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 404
    assert_refused_page(client.get(f"/verify/{UNKNOWN}", HTTP_X_FORWARDED_FOR="198.51.100.7"))


def test_signed_in_users_count_by_address_too(users):
    client = Client()
    client.force_login(users["officer"])
    for _ in range(3):
        client.get(f"/verify/{UNKNOWN}")
    assert_refused_page(client.get(f"/verify/{UNKNOWN}"))


@pytest.mark.redis
@pytest.mark.django_db
def test_counts_live_in_the_shared_redis_cache(monkeypatch):
    """With CACHE_URL=redis://... every process sees the same counts: here a second Redis client (as another
    gunicorn process would) reads the count the page wrote."""
    ensure_server("redis")
    import redis

    url = os.environ.get("CACHE_TEST_URL", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("CACHE_URL", url)
    caches = env_cache("CACHE_URL")
    prefix = f"verify-test-{uuid.uuid4().hex[:12]}"  # another run on the same Redis database counts apart
    caches["default"]["KEY_PREFIX"] = prefix
    other_process = redis.Redis.from_url(url)
    try:
        with override_settings(CACHES=caches):
            client = Client()
            for _ in range(3):
                assert client.get(f"/verify/{UNKNOWN}").status_code == 404
            assert [key.decode() for key in other_process.keys(f"{prefix}:*")] == [
                f"{prefix}:1:throttle_letters_verify_127.0.0.1"
            ]
            assert_refused_page(client.get(f"/verify/{UNKNOWN}"))
    finally:
        for key in other_process.keys(f"{prefix}:*"):
            other_process.delete(key)
        other_process.close()
