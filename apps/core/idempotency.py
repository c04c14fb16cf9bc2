"""HTTP idempotency: a submission sent with an Idempotency-Key header runs at most once per user and key, and a
retry gets the first answer back. Any API or page that creates something may wrap its service call in
`idempotent_submit`; nothing here knows what is submitted."""

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.core.models import IdempotencyKey, canonical_json

IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
IDEMPOTENCY_INVALID = "idempotency_key_invalid"


def _fingerprint_value(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if isinstance(value, dict):
        return {str(k): _fingerprint_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fingerprint_value(v) for v in value]
    return value


def request_fingerprint(*, scope: str, data: Any) -> str:
    """SHA-256 of what was asked: the endpoint and the body (files by their content hash)."""
    if hasattr(data, "lists"):  # QueryDict / MultiValueDict (multipart): keep every value of every key
        data = {key: values if len(values) != 1 else values[0] for key, values in data.lists()}
    payload = {"scope": scope, "data": _fingerprint_value(data)}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def idempotency_key_check(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 255 or not key.isprintable():
        message = _("Idempotency-Key 应为 1 至 255 个可打印字符。")
        raise ApplicationError(IDEMPOTENCY_INVALID, message, fields={"Idempotency-Key": [message]})
    return key


def idempotent_submit(
    *,
    user: AbstractBaseUser,
    key: str | None,
    scope: str,
    data: Any,
    submit: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Run `submit` (which creates something and returns (status, body)) at most once per user and key.

    A retry with the same key and the same request gets the first (status, body) back and `replayed=True`; the same
    key with a different request is refused with 422. Two identical requests racing: the unique constraint lets one
    commit, the other's work is rolled back and it returns the winner's result. Failed submissions (an exception)
    store nothing, so they can be retried with the same key.
    """
    if key is None:
        status, body = submit()
        return status, body, False
    key = idempotency_key_check(key)
    fingerprint = request_fingerprint(scope=scope, data=data)

    # Keyed by user id: core knows AUTH_USER_MODEL only as an AbstractBaseUser.
    def replay() -> tuple[int, dict[str, Any], bool] | None:
        stored = IdempotencyKey.objects.filter(user_id=user.pk, key=key).first()
        if stored is None:
            return None
        if stored.fingerprint != fingerprint or stored.scope != scope:
            raise ApplicationError(
                IDEMPOTENCY_MISMATCH,
                _("该 Idempotency-Key 已用于另一内容不同的请求，请换用新的键。"),
                fields={"Idempotency-Key": [_("已用于另一请求。")]},
                status_code=422,
            )
        return stored.status_code, stored.body, True

    if (found := replay()) is not None:
        return found
    try:
        with transaction.atomic():
            status, body = submit()
            IdempotencyKey.objects.create(
                user_id=user.pk, key=key, scope=scope, fingerprint=fingerprint, status_code=status, body=body
            )
    except IntegrityError:
        if (found := replay()) is not None:
            return found
        raise
    return status, body, False
