"""Settings shared by every environment. Values that differ come from the environment through config.env."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_cache, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
# Demo mode allows seed_demo and shows the demo accounts on the login page. Never in production.
DEMO_MODE = env_bool("DEMO_MODE", False)
# The address people reach the product at: printed on every letter and encoded in its QR code. `make run` sets it to
# the address the server runs on (PORT); production requires it (config/settings/production.py).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The audit chain's HMAC key (apps/core/auditkeys.py, docs/audit.md). Never stored in the database, so whoever can edit
# rows cannot recompute the chain. Production requires it; `make run` (local settings) generates one per installation
# in var/audit.key. AUDIT_OLD_KEYS (comma-separated) are keys retired by a rotation: rows they signed still verify.
AUDIT_KEY = env_str("AUDIT_KEY", "")
AUDIT_OLD_KEYS = env_list("AUDIT_OLD_KEYS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "django_celery_beat",
    "viewflow",
    "viewflow.workflow",
    "axes",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.subjects",
    "apps.rules",
    "apps.sla",
    "apps.casework",
    "apps.commitments",
    "apps.sanctions",
    "apps.repairs",
    "apps.objections",
    "apps.letters",
    "apps.decisions",
    "apps.training",
    "apps.reports",
    "apps.notifications",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A lost database connection in a view: 503 with Retry-After (apps.core.unavailable), not a 500 traceback.
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "apps.core.middleware.RejectNulCharactersMiddleware",  # before anything reads the database with request data
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.ApplicationErrorPageMiddleware",  # a refused input on a page is its 4xx page, not a 500
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login that django-axes refused (too many failures) into the page saying when to try again.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.core.context_processors.product",
                "apps.core.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
        },
    }
]


def _database_from_url(url: str) -> dict:
    """postgres://user:pass@host:port/name or sqlite:///path; enough for the two databases we support."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "credit_repair",
            "USER": unquote(parsed.username or "postgres"),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "127.0.0.1",
            "PORT": str(parsed.port or 5432),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            # A persistent connection is tested before the first query of a request: after a PostgreSQL restart
            # the next request opens a fresh connection instead of failing on the broken one.
            "CONN_HEALTH_CHECKS": env_bool("DB_CONN_HEALTH_CHECKS", True),
            "OPTIONS": options,
        }
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path) if parsed.path not in {"", "/"} else str(VAR_DIR / "db.sqlite3")
        return _sqlite(path)
    raise ValueError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use postgres:// or sqlite:///).")


def _sqlite(path: str) -> dict:
    # IMMEDIATE transactions take the write lock at BEGIN, so read-then-write sequences (the audit chain head,
    # task claims) serialise instead of failing half-way with "database is locked".
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
    }


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": _database_from_url(DATABASE_URL)}
# Seconds a client is told to wait (Retry-After of the 503) when the database connection is lost or refused.
DATABASE_UNAVAILABLE_RETRY_AFTER = env_int("DATABASE_UNAVAILABLE_RETRY_AFTER", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The verification rate limit counts in the cache: several processes (gunicorn workers) must share one, so
# production refuses the per-process memory cache that an empty CACHE_URL gives.
CACHES = env_cache("CACHE_URL")
# From this day of the month, last month's office-wide coverage report is issued by the scheduled job (docs/reports.md).
# A letter batch is handed to shard tasks of at most this many letters each: short tasks, so that a killed worker's
# shard is redelivered (and a pool's processes render one batch side by side) promptly (docs/letters.md).
LETTERS_BATCH_SHARD_SIZE = env_int("LETTERS_BATCH_SHARD_SIZE", 50)
if LETTERS_BATCH_SHARD_SIZE < 1:
    raise ImproperlyConfigured("LETTERS_BATCH_SHARD_SIZE must be at least 1.")
# Letters laid out per WeasyPrint call in a batch (10 one-page notices: files of about 85 KB; see docs/letters.md).
LETTERS_RENDER_CHUNK = env_int("LETTERS_RENDER_CHUNK", 10)
MONTHLY_REPORT_DAY = env_int("MONTHLY_REPORT_DAY", 10)
if not 1 <= MONTHLY_REPORT_DAY <= 28:
    raise ImproperlyConfigured("MONTHLY_REPORT_DAY must be a day every month has (1-28).")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt while the username or the address is locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions

# Password guessing (django-axes, counting in its own tables: the admin shows attempts, failures and lockouts).
# After LOGIN_FAILURE_LIMIT failed logins for one username, or from one client address, every login for it is refused
# for LOGIN_LOCKOUT_MINUTES after the last failure: on the token API, the login page and the admin's login alike.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be at least 1.")
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
# Attempts during a lockout are refused without being counted, so the time we announce stays true; counting them
# would also let anyone keep a victim's account locked for ever by sending one wrong password now and then.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the count: it would wipe the address's count too, and one valid account would then give
# its holder a fresh budget of guesses against every other account.
AXES_RESET_ON_SUCCESS = False
# The client address as the rest of the product sees it (REST_FRAMEWORK["NUM_PROXIES"] below): X-Forwarded-For is
# believed only as deep as the proxies in front of us. (axes' own AXES_IPWARE_* settings need django-ipware, which
# is not installed: this callable takes their place.)
AXES_CLIENT_IP_CALLABLE = "apps.accounts.login_guard.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.login_guard.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure, flagged when it locked: the audit trail in the admin

# API tokens expire this many hours after they were issued (a new login issues a new one); users revoke their own
# (POST /api/v1/auth/token/revoke), administrators anyone's (the admin's user list).
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 12)
if API_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be at least 1.")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploads and generated documents live outside the web root and are served only through permission-checked views.
PRIVATE_STORAGE_ROOT = VAR_DIR / "private"
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# Content-Security-Policy (django-csp) in every environment, so the tests and the browser test see what production
# sends. Scripts and stylesheets come from our own origin; the few inline <script>/<style> blocks carry the
# request's nonce ({{ request.csp_nonce }}); no inline event handlers, no eval, no other host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # The hash: the one <style> block of Viewflow's "cancel process" page (viewflow/workflow/process_cancel.html,
        # Viewflow 2.4), which Turbo may bring in without a page load, where no fresh nonce could cover it.
        "style-src": [SELF, NONCE, "'sha256-HW5I1ULR9x0vIVVcaat2eXOHIcC0cdBDo/7F/aiajr4='"],
        # style="..." attributes only (not <style> blocks, not scripts): Viewflow's material templates set layout in
        # some 80 of them (margins, widths) and a nonce cannot cover an attribute. Styles cannot run code.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.Pagination",
    # JSON that cannot break the parser (apps.core.parsers), forms and files.
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Rate limits count per client address. X-Forwarded-For is believed only for the proxies in front of the
    # application (NUM_PROXIES=1 behind one nginx); with 0 the address is the connection's, so a client cannot
    # get a fresh budget by sending the header itself.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "信用修复与异议案件管理 API",
    "DESCRIPTION": "Credit repair and objection case management, API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from the vendored drf-spectacular-sidecar static files: offices run on intranets, and the
    # Content-Security-Policy below allows scripts from our own origin only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from validator.swagger.io: the page talks to our own server only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets that share a field name across apps get names of their own (no hashed "Status67eEnum").
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "apps.casework.models.Channel",
        "StatusEnum": "apps.training.models.Enrollment.Status",
        "CreditCheckMatterTypeEnum": "apps.sanctions.models.MatterType",
        "CommitmentMatterTypeEnum": "apps.commitments.models.MATTER_TYPE_CHOICES",
        "CommitmentTypeEnum": "apps.commitments.models.CommitmentType",
        "SignableCommitmentTypeEnum": "apps.commitments.models.SIX_TYPES",
        "CommitmentChannelEnum": "apps.commitments.models.Commitment.Channel",
        "CommitmentFulfilmentEnum": "apps.commitments.models.Commitment.Fulfilment",
        "FulfilmentCheckStatusEnum": "apps.commitments.models.FulfilmentCheck.Status",
    },
}

# Celery: without a broker URL tasks run in-process (the embedded default); production and CI set Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Tasks survive a killed worker (docs/letters.md, "Redelivery"): a message is acknowledged only when its task has
# finished (acks_late); a pool process that dies mid-task gives its message back at once (reject_on_worker_lost);
# a whole worker that dies leaves its messages unacknowledged in Redis, which hands them to another worker once
# they are older than the visibility timeout. Every task is therefore safe to run twice, and no task may run as
# long as the visibility timeout (else Redis would hand a running task to a second worker): the hard time limit
# is 4/5 of it, the soft one (the task can still stop cleanly and retry) 2/3.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker holds no more messages than it has processes
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True  # its acks would be lost: let them be redelivered
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 300)
if CELERY_VISIBILITY_TIMEOUT < 10:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be at least 10 seconds.")
CELERY_TASK_TIME_LIMIT = CELERY_VISIBILITY_TIMEOUT * 4 // 5
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_VISIBILITY_TIMEOUT * 2 // 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Every live worker looks for messages left by a dead one this often (kombu's default is every 100 s).
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
# A batch that made no progress for this long while letters are still queued is requeued by the watchdog task
# (letters.requeue_stalled_batches, every minute): the net under a message lost outright (Redis restarted without
# persistence, the broker down at the moment the batch was started).
LETTERS_BATCH_STALL_SECONDS = env_int("LETTERS_BATCH_STALL_SECONDS", 2 * CELERY_VISIBILITY_TIMEOUT)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Notifications (apps.notifications): e-mail through Django's mail backend (the console unless EMAIL_BACKEND names
# another, e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST...), SMS through the class named here
# (the default only logs; a real gateway implements apps.notifications.backends.SmsBackend).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
NOTIFICATIONS_SMS_BACKEND = env_str("NOTIFICATIONS_SMS_BACKEND", "apps.notifications.backends.LoggingSmsBackend")
# Delivery retries (e-mail, SMS) back off exponentially from this many seconds.
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = env_int("NOTIFICATIONS_RETRY_BACKOFF_SECONDS", 60)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "apps.core.logging.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO; keep its warnings (missing glyphs, refused URLs) only.
    "loggers": {
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
        # A 403 or 404 is one line, not a traceback (apps/core/logging.py).
        "django.request": {"filters": ["refusals_without_traceback"]},
    },
}
