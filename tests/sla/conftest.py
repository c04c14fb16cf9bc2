import pytest

from apps.sla.workdays import invalidate_calendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test's database is rolled back at its end; the per-process calendar cache must not outlive it."""
    invalidate_calendar()
    yield
    invalidate_calendar()
