"""The monthly figures are cached (apps.core.figures) and never stale: a second read with nothing changed computes
nothing; a change that moves a figure, made through a service, shows in the very next read; another department,
another language and another business day are other entries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import clock
from apps.core.figures import figures_changed, figures_generation
from tests.letters.support import make_subject
from tests.reports.test_monthly import listed


def _read(client, month, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/stats/monthly?month={month}", **headers)
    assert response.status_code == 200, response.json()
    return response.json(), len(captured.captured_queries)


def test_the_figures_are_computed_once_per_state_of_the_data(departments, users, api):
    month = clock.today().strftime("%Y-%m")
    monitor = api(users["monitor"])
    listed(make_subject("宜昌市甲字号商贸有限公司"), departments["market"], 1)
    first, computed = _read(monitor, month)
    assert first["population"] == 1
    again, cached = _read(monitor, month)
    assert again == first and cached < computed and cached <= 2  # the user's permissions at most

    listed(make_subject("宜昌市乙字号商贸有限公司"), departments["tax"], 2)  # a service: the data moved
    moved, recomputed = _read(monitor, month)
    assert moved["population"] == 2 and recomputed > cached

    # scope and language are part of the key
    tax = monitor.get(f"/api/v1/stats/monthly?month={month}&department=YC-SW").json()
    assert tax["population"] == 1 and tax["department"]["code"] == "YC-SW"
    english, _ = _read(monitor, month, HTTP_ACCEPT_LANGUAGE="en")
    assert english["population"] == 2 and english["rows"][0]["label"] != moved["rows"][0]["label"]


def test_a_new_business_day_is_a_new_entry(departments, users, api, monkeypatch):
    from datetime import date

    monitor = api(users["monitor"])
    listed(make_subject("宜昌市丙字号商贸有限公司"), departments["market"], 3)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 12))
    _read(monitor, "2026-10")
    cached = _read(monitor, "2026-10")[1]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 13))
    assert _read(monitor, "2026-10")[1] > cached


def test_a_bulk_change_without_a_saved_row_says_so_itself():
    before = figures_generation()
    figures_changed()
    assert figures_generation() != before


def test_the_cache_being_away_fails_neither_a_write_nor_a_read(db, monkeypatch):
    from apps.core import figures

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(figures, "cache", type("Down", (), {"get": down, "set": down, "add": down})())
    figures.figures_changed()  # a filing's save must not fail on it
    assert figures.cached_figure("test", ("a",), lambda: {"figure": 42}) == {"figure": 42}
