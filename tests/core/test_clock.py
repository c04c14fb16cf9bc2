"""One "today": the business date in settings.TIME_ZONE, whatever time zone is active."""

from datetime import UTC, date, datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.core import clock
from apps.sla import workdays

LATE_EVENING_UTC = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 December in Shanghai


def test_today_is_the_shanghai_date_even_when_another_zone_is_active(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_UTC)
    with timezone.override("America/New_York"):
        assert timezone.localdate() == date(2026, 11, 30)
        assert clock.today() == date(2026, 12, 1)
    assert clock.business_date(LATE_EVENING_UTC) == date(2026, 12, 1)


def test_the_business_zone_is_the_setting(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_UTC)
    with override_settings(TIME_ZONE="UTC"):
        assert clock.today() == date(2026, 11, 30)
    assert clock.today() == date(2026, 12, 1)


def test_sla_reads_the_same_business_date():
    assert workdays.business_date is clock.business_date
    assert str(workdays.BUSINESS_TZ) == str(clock.business_timezone())


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        clock.business_date(datetime(2026, 12, 1, 9, 0))  # noqa: DTZ001 - the point of the test
