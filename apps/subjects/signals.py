"""Signals of the subjects app. Apps that act on records (sanctions) listen here, so that subjects and the case apps
that change records need not know them."""

from django.dispatch import Signal

# A record no longer supports measures taken because of it: its publication ended (repaired, expired, deleted) or
# its repair completed. Sent inside the transaction that made the change, with `record_ids` (list[int]), `reason`
# (one of BASIS_ENDED_REASONS) and `acting_user` (None for a scheduled job); receivers write in that transaction.
record_basis_ended = Signal()

BASIS_ENDED_REASONS = ("repaired", "expired", "deleted")
