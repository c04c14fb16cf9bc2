"""Backends the tests put in place by setting, as a real gateway would be."""

from django.core.mail.backends.base import BaseEmailBackend


class RecordingSmsBackend:
    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text))


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("mail server unreachable")


class BrokenSmsBackend:
    def send(self, *, phone: str, text: str) -> None:
        raise TimeoutError("sms gateway timed out")
