"""Tests: SQLite by default, PostgreSQL when DATABASE_URL says so (CI runs both)."""

from config.env import LOCMEM_CACHE, env_str

from .base import *  # noqa: F403
from .base import LOGGING as BASE_LOGGING
from .base import VAR_DIR

DEMO_MODE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_STORAGE_ROOT = VAR_DIR / "test-private"
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
CELERY_TASK_ALWAYS_EAGER = env_str("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
# Tests clear the cache between them: never a real one, whatever CACHE_URL the shell has.
CACHES = {"default": {"BACKEND": LOCMEM_CACHE, "LOCATION": "tests"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
    "filters": BASE_LOGGING["filters"],
    "loggers": {"django.request": BASE_LOGGING["loggers"]["django.request"]},
}
# A fixed, published key: test chains are reproducible and mean nothing outside the tests.
AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789abcdef"
AUDIT_OLD_KEYS = []
# casework's own minimal case app (tests/casework/minimal): its tests need no domain app's flow.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.casework.minimal"]  # noqa: F405
