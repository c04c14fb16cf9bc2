from tests.support.letter_fixtures import fresh_throttle_counts, private_storage, role_perms, run_on_commit

__all__ = ["fresh_throttle_counts", "private_storage", "role_perms", "run_on_commit"]
