from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.subjects.models import RecordKind, Severity
from apps.subjects.services import subject_representative_add
from tests.subjects.factories import a_record, a_subject

SHANGHAI = ZoneInfo("Asia/Shanghai")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


class Clock:
    """timezone.now() under control: services, sla and the timer dispatcher read it."""

    def __init__(self, monkeypatch, start):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, moment):
        self.now = moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, at(2026, 5, 11))


@pytest.fixture
def world(users, departments):
    """A subject the applicant represents, with a general penalty by the market department (decided 2025-06-02,
    repairable from 2025-09-02) that carries sanctions of the market and tax departments."""
    subject = a_subject(name="宜昌示例建材有限公司")
    subject_representative_add(subject=subject, user=users["applicant"])
    record = a_record(
        subject,
        departments["market"],
        kind=RecordKind.ADMINISTRATIVE_PENALTY,
        severity=Severity.GENERAL,
        decided=date(2025, 6, 2),
        sanctions=[(departments["market"], "从严审核行政许可"), (departments["tax"], "限制申请财政性资金项目")],
    )
    other = a_subject(name="宜昌另一家企业有限公司")
    subject_representative_add(subject=other, user=users["applicant2"])
    return {"subject": subject, "record": record, "other": other}


def filing(record, **extra):
    body = {
        "records": [record.pk],
        "kind": "end_publication",
        "statement": "罚款已缴清，整改已完成。",
        "contact_name": "张敏",
        "contact_phone": "13800000000",
        "commitment_signer_name": "王伟",
        "commitment_accepted": True,
    }
    body.update(extra)
    return body
