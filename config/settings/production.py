"""Production: PostgreSQL and Redis from the environment; refuses to start with unsafe settings."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import LOCMEM_CACHE, env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import AUDIT_KEY, AUDIT_OLD_KEYS, CACHES, DATABASES, DEMO_MODE, REST_FRAMEWORK, SECRET_KEY

DEBUG = False
if SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random value of at least 40 characters in production.")
if DEMO_MODE:
    raise ImproperlyConfigured("DEMO_MODE must be off in production: demo accounts have a published password.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://...")
if CACHES["default"]["BACKEND"] == LOCMEM_CACHE:
    # Each gunicorn process would keep its own counts: the verification rate limit would multiply by the workers.
    raise ImproperlyConfigured("Production needs a cache shared by all processes: set CACHE_URL=redis://host:6379/1")
if not os.environ.get("PUBLIC_BASE_URL", "").startswith(("https://", "http://")):
    # Every letter prints and encodes this address; a default would send the public to 127.0.0.1.
    raise ImproperlyConfigured(
        "Set PUBLIC_BASE_URL to the address the public reaches the product at (https://credit.example.gov.cn)."
    )
if len(AUDIT_KEY) < 32 or AUDIT_KEY == SECRET_KEY:
    # The audit chain is an HMAC under this key; without it, whoever edits a row can recompute every later hash.
    raise ImproperlyConfigured(
        "Set AUDIT_KEY to a random value of at least 32 characters, kept outside the database and different from "
        "DJANGO_SECRET_KEY (python -c 'import secrets; print(secrets.token_hex(32))'); see docs/audit.md."
    )
if AUDIT_KEY in AUDIT_OLD_KEYS:
    raise ImproperlyConfigured("AUDIT_KEY is also listed in AUDIT_OLD_KEYS: a rotation moves the old key there.")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False

# HTTPS only (`manage.py check --deploy` is clean with these defaults).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check may speak plain HTTP
# Behind proxies (NUM_PROXIES > 0) the connection is theirs: believe the proxy's X-Forwarded-Proto for "is this
# HTTPS". Without a proxy the header would come from the client itself, so it is not read at all.
if REST_FRAMEWORK["NUM_PROXIES"] > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload token only; entering the domain in the browsers' list is a separate, deliberate step.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
