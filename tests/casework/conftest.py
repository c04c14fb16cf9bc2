# casework is exercised through its first user, the repair flow, and through its own minimal case app
# (tests/casework/minimal, used by test_case_mechanics.py).
from tests.repairs.conftest import clock, world  # noqa: F401
