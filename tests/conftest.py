import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.accounts.models import Department, Role
from apps.accounts.services import department_create, user_create
from tests.support.celery_worker import broker_down, celery_on_redis, real_celery  # noqa: F401  (fixtures for every test package)
from tests.support.row_locks import wide_row_locks

DEMO_PASSWORD = "test-pass-2026"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL as the default database: they run in the PostgreSQL pass of
    `make test` (DATABASE_URL=postgres://...). In the SQLite pass they are deselected, not skipped."""
    if connection.vendor == "postgresql":
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config):
    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture(autouse=True)
def row_locks_lock_only_their_row():
    """On PostgreSQL every test also checks that no locking SELECT locks the rows it joins (see row_locks)."""
    if connection.vendor != "postgresql":
        yield
        return
    with wide_row_locks() as found:
        yield
    assert not found, f"select_for_update() with a join locks the joined rows too; use of=('self',): {found[0]}"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: kept figures (the SLA board's closed months) and counters of one test's
    database never answer for another's (their rows roll back, the local-memory cache does not)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def departments(db):
    return {
        "credit": department_create(
            code="YC-XYB", name="宜昌市信用办", region_code="420500", sector=Department.Sector.CREDIT_OFFICE
        ),
        "market": department_create(
            code="YC-SCJG",
            name="宜昌市市场监督管理局",
            region_code="420500",
            sector=Department.Sector.MARKET_REGULATION,
        ),
        "tax": department_create(
            code="YC-SW", name="国家税务总局宜昌市税务局", region_code="420500", sector=Department.Sector.TAX
        ),
    }


@pytest.fixture
def users(departments):
    def make(username, role, department=None):
        return user_create(username=username, password=DEMO_PASSWORD, role=role, department=department)

    return {
        "applicant": make("applicant1", Role.APPLICANT),
        "applicant2": make("applicant2", Role.APPLICANT),
        "clerk": make("clerk1", Role.CLERK),
        "officer": make("officer1", Role.OFFICER, departments["market"]),
        "officer_tax": make("officer_tax", Role.OFFICER, departments["tax"]),
        "reviewer": make("reviewer1", Role.REVIEWER, departments["market"]),
        "monitor": make("monitor1", Role.MONITOR),
        "trainer": make("trainer1", Role.TRAINER),
        "admin": make("admin", Role.ADMIN),
    }


@pytest.fixture
def api():
    """api(user) gives an APIClient authenticated as user (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
