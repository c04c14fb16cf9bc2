"""The embedded default: SQLite, Celery in-process, demo mode on. `make run` uses this."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
DEMO_MODE = env_bool("DEMO_MODE", True)
