"""Where a notification goes beyond the inbox. E-mail uses Django's mail backends (settings.EMAIL_BACKEND); SMS
uses the class named by settings.NOTIFICATIONS_SMS_BACKEND, so a real gateway replaces the logging one by setting."""

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    """A text-message gateway. `send` raises on failure (the delivery task retries with backoff)."""

    def send(self, *, phone: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Writes the message to the log instead of a gateway: demo, development and offices without one."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("sms to %s: %s", phone, text)


@cache
def _sms_backend_class(path: str) -> type:
    return import_string(path)


def sms_backend() -> SmsBackend:
    return _sms_backend_class(settings.NOTIFICATIONS_SMS_BACKEND)()


def email_send(*, address: str, subject: str, text: str) -> None:
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)


def sms_send(*, phone: str, text: str) -> None:
    sms_backend().send(phone=phone, text=text)
