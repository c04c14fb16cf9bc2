"""An e-mail backend for tests that run a worker in another process: every message sent is appended as one JSON
line to the file named by MAIL_LOG_PATH, so the test can count what was sent, by whom, how often."""

import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class MailLogBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["MAIL_LOG_PATH"]
        with open(path, "a", encoding="utf-8") as log:  # O_APPEND: one short line per write, never interleaved
            for message in email_messages:
                log.write(json.dumps({"to": message.to, "subject": message.subject}, ensure_ascii=False) + "\n")
                log.flush()
        return len(email_messages)


def sent(path) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]
