"""The keys of the audit chain: HMAC-SHA256 keys from the environment, never from the database (docs/audit.md).

Each event records the id of the key that signed it. The id is a fingerprint of the key (an HMAC of a fixed text
under it), so it names the key without revealing it, and a rotation needs no id to be chosen: the current key is
AUDIT_KEY, retired ones are listed in AUDIT_OLD_KEYS and still verify the rows they signed."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_LENGTH = 16


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes


def audit_key_id(secret: str | bytes) -> str:
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, b"credit-repair audit key id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


def _key(secret: str) -> AuditKey:
    return AuditKey(key_id=audit_key_id(secret), secret=secret.encode())


def audit_key_current() -> AuditKey:
    """The key new events are signed with."""
    secret = getattr(settings, "AUDIT_KEY", "")
    if not secret:
        raise ImproperlyConfigured("AUDIT_KEY is not set: the audit chain cannot be written (docs/audit.md).")
    return _key(secret)


def audit_keys_known() -> dict[str, AuditKey]:
    """Every key that may have signed a stored event, by id: the current one and the retired ones."""
    secrets = [*getattr(settings, "AUDIT_OLD_KEYS", []), getattr(settings, "AUDIT_KEY", "")]
    return {key.key_id: key for key in (_key(secret) for secret in secrets if secret)}


def audit_hmac(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()
