"""Keep the case's due-date columns equal to its sla deadline when sla moves it (a calendar change)."""

from typing import Any

from apps.objections.services import case_label_for_model, objection_due_dates_follow
from apps.sla.selectors import deadlines_affected


def refresh_due_columns(sender: Any, **kwargs: Any) -> None:
    ids = list(deadlines_affected(**kwargs).filter(owner_type=case_label_for_model()).values_list("pk", flat=True))
    if ids:
        objection_due_dates_follow(deadline_ids=ids)
