"""The one place settings read the environment. Every value has a safe default except production secrets."""

import os
import time
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def env_cache(name: str) -> dict:
    """CACHES from a URL: empty → a per-process memory cache (one process only: `make run`, tests);
    redis://host:port/db or rediss:// (TLS) → Redis, shared by every process (rate limits count across them)."""
    value = os.environ.get(name, "")
    if value == "":
        return {"default": {"BACKEND": LOCMEM_CACHE, "LOCATION": "credit-repair"}}
    parsed = urlparse(value)
    if parsed.scheme not in {"redis", "rediss"}:
        got = f"the scheme {parsed.scheme!r} is not supported" if parsed.scheme else "it has no scheme"
        # Name the scheme only: the URL may carry a password.
        raise ImproperlyConfigured(
            f"{name} must be empty (a memory cache for one process) or a redis:// or rediss:// URL; {got}."
        )
    try:
        parsed.port  # noqa: B018  urlparse checks the port only when asked
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} has an invalid port.") from exc
    if not parsed.hostname:
        raise ImproperlyConfigured(f"{name} must name a host, e.g. redis://127.0.0.1:6379/1.")
    return {"default": {"BACKEND": REDIS_CACHE, "LOCATION": value}}


def installation_secret(path: Path) -> str:
    """A random secret generated once for this installation and kept in `path` (under var/, never committed).
    Several processes starting together agree: only the first creates the file, the others read it."""
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process created it a moment ago and may still be writing
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.02)
        raise ImproperlyConfigured(f"{path} is empty: delete it to have a new key generated.") from None
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value
