"""Fixtures shared by the decisions and reports tests (imported by their conftest modules)."""

import pytest
from django.core.cache import cache

from tests.letters.support import grant_extra_role_permissions


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Public verification is rate-limited per address through the cache; each test starts with clean counts."""
    cache.clear()


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture(autouse=True)
def role_perms(db):
    grant_extra_role_permissions()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the Celery tasks, eager) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
