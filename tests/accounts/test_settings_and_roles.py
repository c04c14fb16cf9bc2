import os
import subprocess
import sys
from pathlib import Path

import pytest

from apps.accounts.models import Role

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


def test_production_starts_with_proper_settings():
    result = _production(
        {"DJANGO_SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://x@127.0.0.1/x", "CELERY_BROKER_URL": "redis://h"}
    )
    assert result.returncode == 0, result.stderr


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
