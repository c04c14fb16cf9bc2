# casework is exercised through its first user, the repair flow.
from tests.repairs.conftest import clock, world  # noqa: F401
