"""A refused or missing page is logged as one line; only server errors carry a traceback."""

import logging
import sys

import pytest

from apps.core.logging import RefusalsWithoutTraceback


@pytest.mark.django_db
def test_a_404_is_logged_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/no-such-page/").status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Not Found: /no-such-page/"]
    assert records[0].exc_info is None


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), sys.exc_info())
    record.status_code = 500
    assert RefusalsWithoutTraceback().filter(record) and record.exc_info is not None
