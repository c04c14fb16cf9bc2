import pytest

from tests.letters.support import grant_extra_role_permissions
from tests.support.letter_fixtures import fresh_throttle_counts, private_storage, run_on_commit

__all__ = ["fresh_throttle_counts", "private_storage", "run_on_commit"]


@pytest.fixture
def role_perms(db):
    """Asked for by the tests that rely on the letters roles (not autouse here: many letters tests need no db)."""
    grant_extra_role_permissions()
