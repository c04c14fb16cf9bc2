import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from apps.accounts.models import Role
from config.env import env_cache

ROOT = Path(__file__).resolve().parents[2]


def _production(env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEMO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_extra})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_the_default_secret_key():
    result = _production({"DATABASE_URL": "postgres://x@127.0.0.1/x", "CELERY_BROKER_URL": "redis://127.0.0.1"})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_demo_mode():
    result = _production(
        {
            "DJANGO_SECRET_KEY": "k" * 50,
            "DEMO_MODE": "1",
            "DATABASE_URL": "postgres://x@127.0.0.1/x",
            "CELERY_BROKER_URL": "redis://h",
        }
    )
    assert result.returncode != 0 and "DEMO_MODE" in result.stderr


PROPER = {
    "DJANGO_SECRET_KEY": "k" * 50,
    "DATABASE_URL": "postgres://x@127.0.0.1/x",
    "CELERY_BROKER_URL": "redis://h",
    "CACHE_URL": "redis://h:6379/1",
    "PUBLIC_BASE_URL": "https://credit.example.gov.cn",
    "AUDIT_KEY": "a" * 64,
}


def test_production_requires_the_public_address_letters_print():
    result = _production({**PROPER, "PUBLIC_BASE_URL": ""})
    assert result.returncode != 0 and "PUBLIC_BASE_URL" in result.stderr


@pytest.mark.parametrize("value", ["", "short", "k" * 50])  # "k" * 50 is the DJANGO_SECRET_KEY of PROPER
def test_production_requires_an_audit_key_of_its_own(value):
    result = _production({**PROPER, "AUDIT_KEY": value})
    assert result.returncode != 0 and "AUDIT_KEY" in result.stderr


def test_production_refuses_the_current_audit_key_among_the_old_ones():
    result = _production({**PROPER, "AUDIT_OLD_KEYS": "b" * 64 + "," + PROPER["AUDIT_KEY"]})
    assert result.returncode != 0 and "AUDIT_OLD_KEYS" in result.stderr


def test_production_starts_with_proper_settings():
    result = _production(PROPER)
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_cache_of_one_process():
    result = _production({**PROPER, "CACHE_URL": ""})
    assert result.returncode != 0 and "CACHE_URL=redis://" in result.stderr


def test_production_refuses_an_unknown_cache_scheme_without_printing_the_url():
    result = _production({**PROPER, "CACHE_URL": "memcached://user:s3cret@h:11211"})
    assert result.returncode != 0 and "CACHE_URL" in result.stderr and "'memcached'" in result.stderr
    assert "s3cret" not in result.stderr


def test_cache_url_empty_is_a_memory_cache(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert env_cache("CACHE_URL")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    monkeypatch.setenv("CACHE_URL", "")
    assert env_cache("CACHE_URL")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/1", "redis://:pw@cache.internal/0", "rediss://cache:6380/2"])
def test_cache_url_redis(monkeypatch, url):
    monkeypatch.setenv("CACHE_URL", url)
    assert env_cache("CACHE_URL") == {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("memcached://h:11211", "redis:// or rediss://"),
        ("127.0.0.1:6379", "redis:// or rediss://"),
        ("redis://", "must name a host"),
        ("redis://h:port/1", "invalid port"),
    ],
)
def test_cache_url_refused(monkeypatch, url, message):
    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_cache("CACHE_URL")


@pytest.mark.django_db
def test_roles_carry_their_permissions(users):
    assert users["clerk"].has_perm("subjects.file_on_behalf")
    assert not users["applicant"].has_perm("subjects.view_subject")
    assert users["monitor"].has_perm("subjects.view_negativerecord")
    assert not users["officer"].has_perm("subjects.view_negativerecord")  # only per object, for their department
    assert users["admin"].is_superuser and users["admin"].role == Role.ADMIN


@pytest.mark.django_db
def test_officer_needs_a_department(departments):
    from django.core.exceptions import ValidationError

    from apps.accounts.services import user_create

    with pytest.raises(ValidationError):
        user_create(username="nodept", password="x-pass-2026", role=Role.OFFICER)


def _production_run(args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEMO_", "SECURE_", "NUM_PROXIES"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_extra})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True)


DEPLOYABLE = {
    **PROPER,
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(48)[:50],
    "DATABASE_URL": "postgres://credit:pw@db.internal:5432/credit_repair",
    "CACHE_URL": "redis://cache.internal:6379/1",
    "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "xyxf.example.gov.cn",
}


def test_production_passes_the_deployment_checklist_without_a_warning():
    result = _production_run(["manage.py", "check", "--deploy"], DEPLOYABLE)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout and "?: (" not in result.stderr


SHOW_SECURITY = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
    " s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
)


@pytest.mark.parametrize(
    ("extra", "printed"),
    [
        ({}, "None True 31536000 True True True True"),
        ({"NUM_PROXIES": "1"}, "('HTTP_X_FORWARDED_PROTO', 'https') True 31536000 True True True True"),
        ({"SECURE_HSTS_PRELOAD": "0", "SECURE_HSTS_SECONDS": "600"}, "None True 600 True False True True"),
    ],
)
def test_production_believes_x_forwarded_proto_only_behind_proxies(extra, printed):
    """Without a proxy a client could send X-Forwarded-Proto itself and pass for HTTPS."""
    result = _production_run(["-c", SHOW_SECURITY], {**DEPLOYABLE, **extra})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy():
    response = Client().get("/verify/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["img-src"] == "'self' data:"
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert "unsafe" not in policy["script-src"] and "unsafe" not in policy["style-src"]
    # The page's inline <style> carries this response's nonce; the next response has another one.
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert nonce not in Client().get("/verify/")["Content-Security-Policy"]
