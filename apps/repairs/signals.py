"""Keep the case's due-date columns equal to its sla deadlines when sla moves them (resume, extension, calendar)."""

from typing import Any

from apps.repairs.services import CASE_LABEL, repair_due_dates_refresh
from apps.sla.selectors import deadlines_affected


def refresh_due_columns(sender: Any, **kwargs: Any) -> None:
    ids = list(deadlines_affected(**kwargs).filter(owner_type=CASE_LABEL).values_list("pk", flat=True))
    if ids:
        repair_due_dates_refresh(deadline_ids=ids)
