"""Fixtures of the objection tests: a subject its applicant acts for, a published record of the market department,
and a clock that can be set (timezone.now is what every service and auto_now field reads)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.sla.workdays import invalidate_calendar
from apps.subjects.services import subject_representative_add
from tests.subjects.factories import a_record, a_subject

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """'2026-09-30 10:00' in Asia/Shanghai, aware."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    invalidate_calendar()
    yield
    invalidate_calendar()


class Clock:
    """Time travel for a test: while set, django.utils.timezone.now() returns the set moment."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch
        self.now: datetime | None = None

    def set(self, text: str) -> datetime:
        self.now = at(text)
        self._monkeypatch.setattr(timezone, "now", lambda: self.now)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def world(users, departments):
    """Two subjects, each with its own applicant account, and a published record of subject A (market)."""
    subject_a = a_subject("宜昌三峡鑫源商贸有限公司")
    subject_b = a_subject("宜昌夷陵恒达物流有限公司")
    subject_representative_add(subject=subject_a, user=users["applicant"])
    subject_representative_add(subject=subject_b, user=users["applicant2"])
    record = a_record(
        subject_a, departments["market"], facts="未按规定公示年度报告", legal_basis="《企业信息公示暂行条例》"
    )
    return {"a": subject_a, "b": subject_b, "record": record, **users, "departments": departments}
