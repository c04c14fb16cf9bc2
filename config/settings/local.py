"""The embedded default: SQLite, Celery in-process, demo mode on. `make run` uses this."""

from config.env import env_bool, installation_secret

from .base import *  # noqa: F403
from .base import AUDIT_KEY, VAR_DIR

DEBUG = env_bool("DJANGO_DEBUG", True)
DEMO_MODE = env_bool("DEMO_MODE", True)
# A per-installation audit key, generated on first start and kept in var/ (gitignored); AUDIT_KEY overrides it.
AUDIT_KEY = AUDIT_KEY or installation_secret(VAR_DIR / "audit.key")
