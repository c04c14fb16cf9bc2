from tests.reports.test_monthly import october
from tests.support.letter_fixtures import fresh_throttle_counts, private_storage, role_perms, run_on_commit

__all__ = ["fresh_throttle_counts", "october", "private_storage", "role_perms", "run_on_commit"]
