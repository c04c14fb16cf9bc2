"""Signals of the sla app. Domain apps connect to them to move their timers; sla knows no domain app.

deadline_due_changed(sender=Deadline, deadline_ids=..., calendar_version=..., years=...)
    Sent inside the transaction that changed the due dates (so a receiver's own writes commit or roll back with
    them; a receiver that talks to the outside world should use transaction.on_commit).
    - one deadline changed (resume, extend): deadline_ids=[id], calendar_version=None, years=None;
    - a calendar change recomputed deadlines in bulk: deadline_ids=None, calendar_version=<new version>,
      years=[the years whose arrangement changed]. The rows that changed are
      Deadline.objects.filter(recomputed_in=calendar_version); apps.sla.selectors.deadlines_affected(**kwargs)
      returns the right queryset for either form.
"""

from django.dispatch import Signal

deadline_due_changed = Signal()
