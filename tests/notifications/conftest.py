from tests.repairs.conftest import clock, world  # noqa: F401  (the repair world: subject, record, clock)
